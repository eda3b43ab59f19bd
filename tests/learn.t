#!/bin/bash
# tests/learn.t: --seccomp-learn FILE in the three modes.  A learned policy
# must be sufficient (the same command runs under it) and restrictive (a
# call the command did not make fails with EPERM, and works without the
# policy); the calls of children are recorded; FILE is made with the
# caller's rights, atomically, and nothing else is left behind, also when vb
# is killed; a bad FILE is a one-line error before anything starts.
# SPDX-License-Identifier: LGPL-2.1-or-later
. "$(dirname "$0")/lib.sh"

vb_only || { echo "1..0 # SKIP $SKIP_REASON"; exit 0; }
HAVE_LEARN=
"$T/bin/$PROG" --help 2>/dev/null | grep -q -- --seccomp-learn && HAVE_LEARN=1
[ -n "$HAVE_LEARN" ] || { echo "1..0 # SKIP no --seccomp-learn in $PROG"; exit 0; }

# The sandbox: /usr and /etc read-only, fresh /dev and /tmp.
LSB=("${SB[@]}" --ro-bind /etc /etc --dev /dev --tmpfs /tmp)
# A background child makes the directory: the shell itself never calls mkdir.
SCRIPT='mkdir /tmp/x & wait; ls -d /tmp/x; cat /etc/hostname'
HOSTNAME_TXT=$(cat /etc/hostname)

# PROBE noop|socket: the same python3 start either way; "socket" then
# makes one call more (socket(AF_UNIX)) and prints ok or its errno.
PROBE='
import ctypes, errno, sys
libc = ctypes.CDLL(None, use_errno=True)
if sys.argv[1] == "socket":
    r = libc.socket(1, 1, 0)
    print("ok" if r >= 0 else errno.errorcode[ctypes.get_errno()])
else:
    print("ok")
'

# only_files DIR NAME...: DIR holds exactly these names (no temp files).
only_files() {
	local d=$1 got want
	shift
	got=$(ls -A "$d" | sort | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | sed '/^$/d' | sort | tr '\n' ' ')
	[ "$got" = "$want" ] || { diag "in $d: got '$got', expected '$want'"; return 1; }
}
# policy_ok FILE: a learned policy: default eperm, sorted unique allow lines.
policy_ok() {
	local f=$1
	[ -f "$f" ] && [ ! -L "$f" ] || { diag "$f is not a regular file"; return 1; }
	grep -qx 'default eperm' "$f" || { diag "no 'default eperm' in $f"; return 1; }
	grep -qx 'allow execve' "$f" || { diag "no 'allow execve' in $f"; return 1; }
	grep '^allow ' "$f" | LC_ALL=C sort -c -u || { diag "allow lines not sorted/unique"; return 1; }
}
has() { grep -qxE -- "$2" "$1" || { diag "no line /$2/ in $1:"; diag "$(grep -v '^#' "$1" | tr '\n' ' ')"; return 1; }; }
hasnt() { ! grep -qxE -- "$2" "$1" || { diag "unexpected line /$2/ in $1"; return 1; }; }
owner_ok() {
	local want
	want=$(uid_in "$1")
	[ "$(stat -c %u "$2")" = "$want" ] || { diag "$2 owned by $(stat -c %u "$2"), expected $want"; return 1; }
}

t_learn_shell() {
	local m=$1 d f
	d=$(mkw "shell-$m")
	f=$d/policy
	run_mode "$m" -- --seccomp-learn "$f" "${LSB[@]}" sh -c "$SCRIPT"
	expect_ok "$(printf '/tmp/x\n%s' "$HOSTNAME_TXT")" || return 1
	policy_ok "$f" && owner_ok "$m" "$f" && only_files "$d" policy || return 1
	has "$f" 'allow (mkdir|mkdirat)' && has "$f" 'allow (open|openat)' && has "$f" 'allow exit_group' || return 1
	# vb's own calls are not recorded.
	hasnt "$f" 'allow (prctl|seccomp|sendmsg)' || return 1
	# Sufficient: the same command under the learned policy.
	run_mode "$m" -- --seccomp-policy "$f" --seccomp-default-action eperm "${LSB[@]}" sh -c "$SCRIPT"
	expect_ok "$(printf '/tmp/x\n%s' "$HOSTNAME_TXT")"
}
mcase "learns a shell command; the policy runs it again" t_learn_shell

t_learn_child() {
	local m=$1 d
	d=$(mkw "child-$m")
	# Control: without the background mkdir no mkdir call is learned...
	run_mode "$m" -- --seccomp-learn "$d/without" "${LSB[@]}" sh -c 'cat /etc/hostname'
	expect_ok "$HOSTNAME_TXT" && hasnt "$d/without" 'allow (mkdir|mkdirat)' || return 1
	# ...with it, the child's (and grandchild's) mkdir is.
	run_mode "$m" -- --seccomp-learn "$d/with" "${LSB[@]}" sh -c '(mkdir /tmp/y & wait) & wait; cat /etc/hostname'
	expect_ok "$HOSTNAME_TXT" && has "$d/with" 'allow (mkdir|mkdirat)'
}
mcase "the calls of children and grandchildren are recorded" t_learn_child

# Timing: a shell's `wait` reaps a child that is already gone with wait4
# alone and sleeps in rt_sigsuspend for one that is not.  Learned where the
# child was fast (it exits before `wait`), the policy must still hold where
# it is slow; before the families were added the replay got EPERM from
# rt_sigsuspend and spun until the bound.
t_learn_families() {
	local m=$1 d f
	d=$(mkw "families-$m")
	f=$d/policy
	run_mode "$m" -- --seccomp-learn "$f" "${LSB[@]}" sh -c 'true & sleep 1; wait; echo done'
	expect_ok done && policy_ok "$f" || return 1
	has "$f" 'allow wait4' && has "$f" 'allow rt_sigsuspend' && has "$f" 'allow waitid' &&
		has "$f" 'allow restart_syscall' || return 1
	hasnt "$f" 'allow socket' || return 1
	VB_TEST_BOUND=30 run_mode "$m" -- --seccomp-policy "$f" --seccomp-default-action eperm "${LSB[@]}" \
		sh -c 'sleep 0.5 & wait; echo done'
	expect_ok done
}
mcase "learned policy: the calls of the same operation that timing picks (wait, signals, sleep)" t_learn_families

t_learn_restrictive() {
	local m=$1 d f
	d=$(mkw "probe-$m")
	f=$d/policy
	run_mode "$m" -- "${LSB[@]}" "$PY" -c "$PROBE" socket
	expect_ok ok || { SKIP_REASON="control: socket(AF_UNIX) fails without a policy"; return 77; }
	run_mode "$m" -- --seccomp-learn "$f" "${LSB[@]}" "$PY" -c "$PROBE" noop
	expect_ok ok && policy_ok "$f" && hasnt "$f" 'allow socket' || return 1
	run_mode "$m" -- --seccomp-policy "$f" "${LSB[@]}" "$PY" -c "$PROBE" noop
	expect_ok ok || return 1
	run_mode "$m" -- --seccomp-policy "$f" "${LSB[@]}" "$PY" -c "$PROBE" socket
	expect_ok EPERM
}
mcase "learned policy: what was not learned fails with EPERM (works without)" t_learn_restrictive

t_learn_with_policy() {
	local m=$1 d f
	d=$(mkw "pol-$m")
	f=$d/policy
	# The policy still applies, and what it denies is not learned.
	run_mode "$m" -- --seccomp-policy default --seccomp-deny mkdir --seccomp-deny mkdirat \
		--seccomp-learn "$f" "${LSB[@]}" sh -c 'mkdir /tmp/x 2>/dev/null || echo denied'
	expect_ok denied && policy_ok "$f" || return 1
	hasnt "$f" 'allow (mkdir|mkdirat)' && hasnt "$f" 'allow (prctl|seccomp)'
}
mcase "with a policy: it applies, and what it denies is not learned" t_learn_with_policy

t_learn_pid1() {
	local m=$1 d opts
	d=$(mkw "pid1-$m")
	for opts in "--unshare-pid" "--unshare-pid --as-pid-1"; do
		# shellcheck disable=SC2086
		run_mode "$m" -- --seccomp-learn "$d/p" $opts "${LSB[@]}" sh -c "$SCRIPT"
		expect_ok "$(printf '/tmp/x\n%s' "$HOSTNAME_TXT")" && policy_ok "$d/p" || return 1
		has "$d/p" 'allow (mkdir|mkdirat)' && only_files "$d" p || return 1
	done
}
mcase "with a PID 1 and with --as-pid-1" t_learn_pid1

t_learn_failing_command() {
	local m=$1 d
	d=$(mkw "fail-$m")
	run_mode "$m" -- --seccomp-learn "$d/p" "${LSB[@]}" sh -c 'exit 3'
	expect_rc 3 && expect_err "" && policy_ok "$d/p" && only_files "$d" p || return 1
	# Setup fails (no such command): nothing is written.
	run_mode "$m" -- --seccomp-learn "$d/q" "${LSB[@]}" /nonexistent
	expect_rc 1 && only_files "$d" p
}
mcase "written when the command fails, not when setup fails" t_learn_failing_command

# bad_file MODE FILE MSG: a one-line error, status 1, the command never ran.
bad_file() {
	run_mode "$1" -- --seccomp-learn "$2" "${LSB[@]}" sh -c 'echo ran'
	expect_fail "$3"
}
t_learn_bad() {
	local m=$1 d ro r
	d=$(mkw "bad-$m")
	residue_snap
	bad_file "$m" "$d/missing/p" "Can't create seccomp-learn file $d/missing/p: No such file or directory" || return 1
	mkdir "$d/adir"
	bad_file "$m" "$d/adir" "Can't create seccomp-learn file $d/adir: Is a directory" || return 1
	bad_file "$m" "$d/adir/" "--seccomp-learn: '$d/adir/' names a directory, not a file" || return 1
	bad_file "$m" "" "--seccomp-learn: invalid file name ''" || return 1
	if [ "$MYUID" = 0 ]; then
		# Read-only for everyone, root included.
		ro=$d/ro
		mkdir "$ro"
		mount -t tmpfs -o ro,mode=0777 vbtest-ro "$ro" || { SKIP_REASON="cannot mount"; return 77; }
		bad_file "$m" "$ro/p" "Can't create seccomp-learn file $ro/p: Read-only file system"
		r=$?
		only_files "$ro" || r=1
		umount "$ro" && rmdir "$ro"
		[ $r = 0 ] || return 1
	fi
	only_files "$d" adir && only_files "$d/adir" && residue_check
}
mcase "bad FILE: one-line error, status 1, nothing created or left" t_learn_bad

t_learn_rights() {
	local m=$1 d
	[ "$m" = root ] && { SKIP_REASON="root may write anywhere"; return 77; }
	d=$T/fix/rootdir-$m
	mkdir -p "$d" && chmod 755 "$d"
	bad_file "$m" "$d/p" "Can't create seccomp-learn file $d/p: Permission denied" || return 1
	only_files "$d"
}
mcase "FILE is created with the caller's rights (root-owned directory refused)" t_learn_rights user setuid

t_learn_symlink() {
	local m=$1 d victim
	d=$(mkw "link-$m")
	victim=$T/fix/victim-$m
	echo precious >"$victim" && chmod 644 "$victim"
	ln -s "$victim" "$d/p"
	[ "$MYUID" = 0 ] && chown -h "$TUID:$TGID" "$d/p"
	run_mode "$m" -- --seccomp-learn "$d/p" "${LSB[@]}" true
	expect_ok "" || return 1
	[ "$(cat "$victim")" = precious ] || { diag "the symlink's target was written"; return 1; }
	policy_ok "$d/p" && owner_ok "$m" "$d/p" && only_files "$d" p
}
mcase "a symlink at FILE is replaced, its target untouched" t_learn_symlink

# Starts vb in the background on a command that reports through a fifo that
# it runs, then sleeps; waits for the report.  Sets BG_PID.
bg_start() {
	local m=$1 d=$2 line
	mkfifo "$d/fifo"
	[ "$MYUID" = 0 ] && chown "$TUID:$TGID" "$d/fifo"
	mode_prefix "$m"
	"${MODE_CMD[@]}" --seccomp-learn "$d/p" --die-with-parent --unshare-pid "${LSB[@]}" \
		--bind "$d/fifo" /fifo sh -c 'echo up > /fifo; exec sleep 1000' \
		</dev/null >"$T/io/out" 2>"$T/io/err" &
	BG_PID=$!
	# A safety net against a vb that never starts the command, not a timing.
	read -r -t 120 line <"$d/fifo"
	[ "$line" = up ] || { diag "the command did not start: $(cat "$T/io/err")"; return 1; }
}
t_learn_sigkill() {
	local m=$1 d
	d=$(mkw "kill-$m")
	residue_snap
	bg_start "$m" "$d" || return 1
	kill -KILL "$BG_PID"
	{ wait "$BG_PID"; } 2>/dev/null
	rc=$?
	expect_rc 137 && only_files "$d" fifo && residue_check
}
mcase "vb killed with SIGKILL: no FILE, no temp file, no process left" t_learn_sigkill

# A closed fd named on the command line is refused before vb opens an fd of
# its own: it would otherwise be the number of --seccomp-learn's socketpair
# (or vb's next pipe), and vb would wait on its own socket for ever.  Each
# says "Bad file descriptor" at once, and nothing is created or left.  fd 4
# and 5 are closed here.
t_learn_closed_fd() {
	local m=$1 d a r=0
	d=$(mkw "closedfd-$m")
	printf -- '--seccomp\0004\000' >"$d/args"
	for a in "--args 4 --seccomp 4" "--seccomp 4" "--add-seccomp-fd 4" "--file 4 /tmp/f" \
		"--bind-data 5 /tmp/f" "--ro-bind-data 5 /tmp/f" "--bind-fd 4 /tmp" \
		"--info-fd 4" "--json-status-fd 4" "--status-fd 5"; do
		residue_snap
		if [ "${a%% *}" = --args ]; then
			# The --args file is fd 4; what it holds names fd 4 again, closed by then.
			# shellcheck disable=SC2086
			run_mode "$m" -- --args 4 "${LSB[@]}" --seccomp-learn "$d/p" true 4<"$d/args"
		else
			# shellcheck disable=SC2086
			run_mode "$m" -- "${LSB[@]}" --seccomp-learn "$d/p" $a true 4<&- 5<&-
		fi
		{ [ "$rc" = 1 ] && [[ $err == "$PROG: "*": Bad file descriptor" ]] &&
			[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && only_files "$d" args && residue_check; } ||
			{ diag "$a: status $rc, stderr: $err"; r=1; }
	done
	return $r
}
mcase "a closed fd on the command line with --seccomp-learn: Bad file descriptor, nothing left" t_learn_closed_fd

t_learn_sigterm() {
	local m=$1 d
	d=$(mkw "term-$m")
	residue_snap
	bg_start "$m" "$d" || return 1
	kill -TERM "$BG_PID"
	{ wait "$BG_PID"; } 2>/dev/null
	rc=$?
	err=$(cat "$T/io/err")
	expect_rc 143 && expect_err "" && policy_ok "$d/p" && only_files "$d" fifo p && residue_check
}
mcase "vb stopped with SIGTERM: FILE written, nothing else left" t_learn_sigterm

# Fault injection (the test build, last: it changes the binary under test):
# setup failing at learn-prepare leaves nothing and runs nothing; the rename
# at the end failing reports it (status 1, one line) and removes the
# temporary name.
t_learn_faults() {
	local m=$1 d logd step
	d=$(mkw "fault-$m")
	logd=$(mkw "faultlog-$m")
	chmod 777 "$logd"
	VB_FAULT_LOG=$logd/log run_mode "$m" -- --seccomp-learn "$d/p" "${LSB[@]}" sh -c 'echo ran'
	expect_ok ran && only_files "$d" p || return 1
	rm -f "$d/p"
	step=$(awk '$3 == "learn-prepare" { print $1; exit }' "$logd/log")
	[ -n "$step" ] || { diag "no learn-prepare step logged"; return 1; }
	residue_snap
	VB_FAULT_STEP=$step run_mode "$m" -- --seccomp-learn "$d/p" "${LSB[@]}" sh -c 'echo ran'
	expect_fail "Can't create seccomp-learn file $d/p: Input/output error" && only_files "$d" || return 1
	residue_check || return 1
	step=$(awk '$3 == "learn-rename" { print $1; exit }' "$logd/log")
	[ -n "$step" ] || { diag "no learn-rename step logged"; return 1; }
	VB_FAULT_STEP=$step run_mode "$m" -- --seccomp-learn "$d/p" "${LSB[@]}" sh -c 'echo ran'
	expect_rc 1 && expect_out ran && expect_err "$PROG: Can't create seccomp-learn file $d/p: Input/output error" &&
		only_files "$d" && residue_check
}
if [ -x "$T/bin/vb-fault" ]; then
	set_vb "$T/bin/vb-fault"
	mcase "fault injection: nothing left when FILE can't be made or renamed" t_learn_faults
else
	skip "no fault-injection build at $VB_FAULT" "fault injection"
fi

done_testing
