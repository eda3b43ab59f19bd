#!/bin/bash
# --proc, --dev, --mqueue: what the sandbox sees of processes and devices.
. "$(dirname "$0")/lib.sh"

t_proc() {
	run_mode "$1" -- "${SB[@]}" --unshare-pid --proc /proc sh -c 'echo /proc/[0-9]*; stat -f -c %T /proc; test -d /proc/$$ && echo self'
	# pid 1 is the sandbox's init, then the command (bwrap's setuid mode
	# has a helper in between): no host process is visible.
	expect_rc 0 && expect_err "" && expect_out_like '^/proc/1 /proc/[23]$' && expect_out_like '^proc$' && expect_out_like '^self$'
}
mcase "--proc with --unshare-pid shows only the sandbox's processes" t_proc

t_proc_host_pidns() {
	run_mode "$1" -- "${SB[@]}" --proc /proc sh -c "test -d /proc/$$ && echo sees-host"
	expect_ok sees-host
}
mcase "--proc without --unshare-pid shows the caller's pid namespace" t_proc_host_pidns

t_dev() {
	run_mode "$1" -- "${SB[@]}" --dev /dev sh -c '
		ls -A /dev | tr "\n" " "; echo
		head -c 4 /dev/zero | od -An -tx1
		echo x >/dev/null && echo null-ok
		dd if=/dev/zero of=/dev/full bs=1 count=1 2>&1 | grep -q "No space left on device" && echo full-ENOSPC
		test $(head -c 16 /dev/urandom | wc -c) = 16 && test $(head -c 16 /dev/random | wc -c) = 16 && echo random-ok
		stat -f -c %T /dev /dev/shm /dev/pts
		readlink /dev/ptmx /dev/fd /dev/stdin /dev/stdout /dev/stderr
		echo x >/dev/shm/f && echo shm-rw
		test -c /dev/tty && echo tty-chr'
	expect_ok "$(printf '%s\n' "core fd full null ptmx pts random shm stderr stdin stdout tty urandom zero " \
		" 00 00 00 00" null-ok full-ENOSPC random-ok tmpfs tmpfs devpts \
		pts/ptmx /proc/self/fd /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2 shm-rw tty-chr)"
}
mcase "--dev gives the standard nodes, devpts and shm, no host devices" t_dev

t_dev_pts() {
	# A pty opened inside is on the sandbox's own devpts.
	run_mode "$1" -- "${SB[@]}" --dev /dev --unshare-pid --proc /proc python3 -c '
import os
m, s = os.openpty()
print(os.ttyname(s), sorted(os.listdir("/dev/pts")))'
	expect_ok "/dev/pts/0 ['0', 'ptmx']"
}
mcase "--dev: a pty opened inside lives in a private devpts" t_dev_pts

t_mqueue() {
	run_mode "$1" -- "${SB[@]}" --unshare-ipc --dev /dev --mqueue /dev/mqueue sh -c 'stat -f -c %T /dev/mqueue; ls -A /dev/mqueue | wc -l'
	expect_ok "$(printf 'mqueue\n0')"
}
mcase "--mqueue mounts a fresh mqueue fs" t_mqueue

done_testing
