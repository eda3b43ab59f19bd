#!/bin/bash
# tests/probes.t: seccomp policies, Landlock and --pty through vb, in the
# three modes.  Each escape probe is first shown to succeed without the
# protection, so that a pass proves the protection and not a broken probe.
# SPDX-License-Identifier: LGPL-2.1-or-later
. "$(dirname "$0")/lib.sh"

vb_only || { echo "1..0 # SKIP $SKIP_REASON"; exit 0; }
SYS=(--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64
	--ro-bind /etc /etc --proc /proc --dev /dev --tmpfs /tmp --unshare-pid)

t_unknown() {
	run_mode "$1" --seccomp-deny mout true
	[ "$rc" = 1 ] && [[ $err == *"Unknown system call 'mout' (did you mean mount"* ]]
}
t_userns_probe() {
	# Without the policy the probe can create a user namespace (so it can detect one)...
	run_mode "$1" "${SYS[@]}" -- unshare -U true || :
	[ "$rc" = 0 ] || { SKIP_REASON="no nested user namespaces here"; return 77; }
	run_mode "$1" "${SYS[@]}" --seccomp-policy default -- unshare -U true
	[ "$rc" != 0 ] && [[ $err == *"Operation not permitted"* ]]
}
t_minimal() {
	run_mode "$1" "${SYS[@]}" --seccomp-policy build -- sh -c 'echo x > /tmp/f && cat /tmp/f'
	[ "$rc" = 0 ] && [ "$out" = x ]
}
t_deny_errno() {
	run_mode "$1" "${SYS[@]}" --seccomp-deny mkdir:EACCES --seccomp-deny mkdirat:EACCES -- mkdir /tmp/d
	[ "$rc" != 0 ] && [[ $err == *"Permission denied"* ]]
}
t_dump() {
	run_mode "$1" --seccomp-policy-dump default
	[ "$rc" = 0 ] && [[ $out == *"default allow"* ]] && [[ $out == *"@mount"* ]]
}
t_landlock_leak() {
	mkdir -p "$T/ll" && echo secret > "$T/ll/s" && chmod -R a+rX "$T/ll" && chmod a+x "$T"
	exec 7<"$T/ll"
	run_mode "$1" "${SYS[@]}" -- cat /proc/self/fd/7/s
	[ "$rc" = 0 ] && [ "$out" = secret ] || { SKIP_REASON="leaked fd not readable even without Landlock"; exec 7<&-; return 77; }
	run_mode "$1" "${SYS[@]}" --landlock -- cat /proc/self/fd/7/s
	exec 7<&-
	[ "$rc" != 0 ] && [[ $err == *"Permission denied"* ]]
}
t_landlock_works() {
	run_mode "$1" "${SYS[@]}" --landlock=strict -- sh -c 'echo y > /tmp/f && cat /tmp/f && ! touch /usr/x 2>/dev/null'
	[ "$rc" = 0 ] && [ "$out" = y ]
}
t_pty_notty() {
	run_mode "$1" "${SYS[@]}" --pty -- true
	[ "$rc" = 1 ] && [[ $err == *"--pty needs a terminal on stdin"* ]]
}

mcase "unknown syscall names the nearest" t_unknown
mcase "dump of the default policy" t_dump
mcase "default policy: new user namespace refused (probe works without)" t_userns_probe
mcase "build policy: ordinary work" t_minimal
mcase "--seccomp-deny NAME:ERRNO" t_deny_errno
mcase "--landlock: leaked dir fd unreachable (reachable without)" t_landlock_leak
mcase "--landlock=strict: tmpfs writable, ro-bind not" t_landlock_works
mcase "--pty without a tty refused" t_pty_notty
done_testing
