#!/bin/bash
# Exit status, PID 1, --info-fd/--json-status-fd and the synchronising fds.
. "$(dirname "$0")/lib.sh"

t_exit() {
	run_mode "$1" -- "${SB[@]}" sh -c 'exit 7'
	expect_rc 7 || return 1
	run_mode "$1" -- "${SB[@]}" --unshare-pid sh -c 'exit 9'
	expect_rc 9
}
mcase "the command's exit status passes through (with and without a pid ns)" t_exit

t_signal() {
	run_mode "$1" -- "${SB[@]}" sh -c 'kill -TERM $$'
	expect_rc 143 || return 1
	run_mode "$1" -- "${SB[@]}" --unshare-pid sh -c 'kill -KILL $$'
	expect_rc 137
}
mcase "a command killed by signal N gives 128+N" t_signal

t_exec_fail() {
	run_mode "$1" -- "${SB[@]}" /nonexistent-command
	expect_fail "execvp /nonexistent-command: No such file or directory"
}
mcase "a missing command: bwrap's execvp message, status 1" t_exec_fail

t_reap() {
	# The subshell exits at once, orphaning sleep to PID 1, which must reap it.
	run_mode "$1" -- "${SB[@]}" --unshare-pid --proc /proc sh -c '
		(sleep 0.3 &)
		sleep 1.5
		grep -l "^State:.*Z" /proc/[0-9]*/status | wc -l; ls -d /proc/[0-9]* | wc -l'
	# no zombie; init + sh + ls (+ bwrap's setuid helper)
	expect_rc 0 && expect_out_like '^0$' && expect_out_like '^[34]$'
}
mcase "PID 1 reaps orphaned zombies" t_reap

t_as_pid_1() {
	run_mode "$1" -- "${SB[@]}" --unshare-pid --as-pid-1 sh -c 'echo $$; exit 4'
	expect_rc 4 && expect_out 1
}
mcase "--as-pid-1: the command is PID 1" t_as_pid_1

t_as_pid_1_needs_pid() {
	run_mode "$1" -- "${SB[@]}" --as-pid-1 true
	expect_fail "Specifying --as-pid-1 requires --unshare-pid"
}
mcase "--as-pid-1 without --unshare-pid is refused" t_as_pid_1_needs_pid

# info_check FILE NSLIST: FILE holds one JSON object whose keys are, in order,
# child-pid then "<ns>-namespace" for NSLIST, and whose inodes are those the
# command printed as "ns:inode" lines on stdout.
info_check() {
	"$PY" - "$1" "$2" "$out" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
want = ["child-pid"] + [n + "-namespace" for n in sys.argv[2].split()]
dec = json.JSONDecoder()
obj, end = dec.raw_decode(text.lstrip())
seen = dict(l.split(":", 1) for l in sys.argv[3].splitlines() if ":" in l)
errs = []
if list(obj) != want:
    errs.append("keys %s, want %s" % (list(obj), want))
if not isinstance(obj.get("child-pid"), int) or obj["child-pid"] <= 0:
    errs.append("child-pid %r" % obj.get("child-pid"))
for n in sys.argv[2].split():
    if str(obj.get(n + "-namespace")) != seen.get(n):
        errs.append("%s-namespace %s, sandbox sees %s" % (n, obj.get(n + "-namespace"), seen.get(n)))
rest = text.lstrip()[end:].strip()
if rest:
    print("REST " + rest)
for e in errs:
    print("# " + e)
sys.exit(1 if errs else 0)
PY
}
NSPRINT='for n in cgroup ipc mnt net pid uts; do printf "%s:%s\n" $n $(readlink /proc/self/ns/$n | tr -dc 0-9); done'

t_info_fd() {
	rm -f "$T/io/info"
	run_mode "$1" -- "${SB[@]}" --proc /proc --info-fd 3 sh -c "$NSPRINT" 3>"$T/io/info"
	expect_ok || return 1
	info_check "$T/io/info" "mnt" || return 1
	run_mode "$1" -- "${SB[@]}" --proc /proc --unshare-all --info-fd 3 sh -c "$NSPRINT" 3>"$T/io/info"
	expect_ok && info_check "$T/io/info" "cgroup ipc mnt net pid uts"
}
mcase "--info-fd: bwrap's keys, the namespaces the command is in" t_info_fd

t_json_status() {
	rm -f "$T/io/json"
	run_mode "$1" -- "${SB[@]}" --proc /proc --unshare-pid --unshare-net --json-status-fd 3 sh -c "$NSPRINT; exit 5" 3>"$T/io/json"
	expect_rc 5 || return 1
	local r
	r=$(info_check "$T/io/json" "mnt net pid") || { diag "$r"; return 1; }
	[ "$r" = 'REST { "exit-code": 5 }' ] || { diag "after the first object: $r"; return 1; }
	run_mode "$1" -- "${SB[@]}" --json-status-fd 3 sh -c 'kill -TERM $$' 3>"$T/io/json"
	expect_rc 143 && grep -qx '{ "exit-code": 143 }' "$T/io/json" || { diag "$(cat "$T/io/json")"; return 1; }
}
mcase "--json-status-fd: the info object, then the exit code" t_json_status

t_sync_fd() {
	local w; w=$(mkw sync-$1)
	rm -f "$T/io/fifo"; mkfifo "$T/io/fifo"; chmod 666 "$T/io/fifo"
	run_mode "$1" -- "${SB[@]}" --bind "$w" /w --sync-fd 3 sh -c 'sleep 0.5; echo done >/w/marker' 3>"$T/io/fifo" &
	# EOF comes when the last copy of the sync fd closes: not before the command ran.
	cat "$T/io/fifo" >/dev/null
	local seen=no
	[ -e "$w/marker" ] && seen=yes
	wait $!
	[ $seen = yes ] || { diag "the sync fd closed before the command ended"; return 1; }
}
mcase "--sync-fd stays open while the sandbox runs" t_sync_fd

t_block_fd() {
	local w pid seen; w=$(mkw block-$1)
	rm -f "$T/io/fifo"; mkfifo "$T/io/fifo"; chmod 666 "$T/io/fifo"
	exec 6<>"$T/io/fifo"
	run_mode "$1" -- "${SB[@]}" --bind "$w" /w --block-fd 5 sh -c 'echo ran >/w/marker' 5<"$T/io/fifo" &
	pid=$!
	sleep 0.5
	seen=no; [ -e "$w/marker" ] && seen=yes
	echo go >&6
	wait $pid
	exec 6>&-
	[ $seen = no ] || { diag "the command ran before the block fd was written"; return 1; }
	[ -e "$w/marker" ] || { diag "the command did not run after the block fd was written"; return 1; }
}
mcase "--block-fd holds the command until data arrives" t_block_fd

t_userns_block_fd() {
	local w pid seen info cpid u g i; w=$(mkw ublock-$1); chmod 777 "$w"
	rm -f "$T/io/fifo" "$T/io/info"; mkfifo "$T/io/fifo"; chmod 666 "$T/io/fifo"
	exec 6<>"$T/io/fifo"
	run_mode "$1" -- "${SB[@]}" --unshare-user --bind "$w" /w --info-fd 3 --userns-block-fd 5 \
		sh -c 'echo ran >/w/marker' 5<"$T/io/fifo" 3>"$T/io/info" &
	pid=$!
	for i in $(seq 50); do grep -q '}' "$T/io/info" 2>/dev/null && break; sleep 0.1; done
	sleep 0.3
	seen=no; [ -e "$w/marker" ] && seen=yes
	info=$(cat "$T/io/info")
	# The caller's part: map the ids of the child's user namespace, then go.
	cpid=$(printf '%s' "$info" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["child-pid"])' 2>/dev/null)
	u=$(uid_in "$1"); g=$(gid_in "$1")
	if [ -n "$cpid" ]; then
		as_mode_user "$1" sh -c "echo deny >/proc/$cpid/setgroups; echo '$g $g 1' >/proc/$cpid/gid_map; echo '$u $u 1' >/proc/$cpid/uid_map" ||
			diag "could not write the id maps of $cpid"
	fi
	echo go >&6
	wait $pid
	exec 6>&-
	[ $seen = no ] || { diag "the command ran before the userns block fd was written"; return 1; }
	[ -n "$cpid" ] || { diag "no info before the block: '$info'"; return 1; }
	[ -e "$w/marker" ] || { diag "the command did not run after the block fd was written"; return 1; }
}
# Not setuid: the child is then root's, and its caller cannot write its maps.
mcase "--userns-block-fd waits after writing the info" t_userns_block_fd root user

t_userns_block_needs() {
	run_mode "$1" -- "${SB[@]}" --unshare-user --userns-block-fd 5 true 5</dev/null
	expect_fail "--userns-block-fd requires --info-fd"
}
mcase "--userns-block-fd without --info-fd is refused" t_userns_block_needs

# lock_state FILE: "locked" when another process holds a POSIX lock on FILE.
lock_state() {
	"$PY" -c '
import fcntl, sys
f = open(sys.argv[1], "r+")
try:
    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB); print("free")
except OSError:
    print("locked")' "$1"
}
t_lock_file() {
	local w pid i st; w=$(mkw lock-$1)
	: >"$w/lock"; chmod 666 "$w/lock"
	run_mode "$1" -- "${SB[@]}" --bind "$w" /l --lock-file /l/lock sh -c 'echo up >/l/up; sleep 2' &
	pid=$!
	for i in $(seq 50); do [ -e "$w/up" ] && break; sleep 0.1; done
	st=$(lock_state "$w/lock")
	wait $pid
	[ "$st" = locked ] || { diag "lock file was $st while the sandbox ran"; return 1; }
	st=$(lock_state "$w/lock")
	[ "$st" = free ] || { diag "lock file still $st after the sandbox ended"; return 1; }
}
mcase "--lock-file is locked while the sandbox runs" t_lock_file

t_lock_pid1() {
	run_mode "$1" -- "${SB[@]}" --unshare-pid --as-pid-1 --lock-file /x true
	expect_fail "Specifying --as-pid-1 and --lock-file is not permitted"
}
mcase "--lock-file with --as-pid-1 is refused" t_lock_pid1

done_testing
