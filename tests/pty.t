#!/bin/bash
# tests/pty.t: --pty, driven from a pseudo-terminal the test makes itself
# (tests/pty-drive.py: the command is the session leader of a new pty, as a
# login shell's job would be), in the three modes: the window size, at
# start and on a resize; job control in an interactive shell inside; the
# command as session leader with the new pty as controlling tty; TIOCSTI
# unable to reach the caller's terminal; the caller's terminal settings
# restored on every way out; a hangup passed on.  (Refusal without a
# terminal on stdin: tests/probes.t.)
# SPDX-License-Identifier: LGPL-2.1-or-later
. "$(dirname "$0")/lib.sh"

vb_only || { echo "1..0 # SKIP $SKIP_REASON"; exit 0; }
DRIVE=$T/fix/pty-drive.py
PTY=("${SB[@]}" --dev /dev --pty)

# drive MODE SCENARIO [DRIVER-OPTIONS] -- ARGS...: runs vb ARGS in MODE on
# the driver's terminal; $out holds the driver's "key value" lines.
drive() {
	local mode=$1 sc=$2
	shift 2
	local -a opts=()
	while [ "${1:-}" != -- ]; do opts+=("$1"); shift; done
	shift
	mode_prefix "$mode"
	LAST_CMD="[$mode, pty-drive $sc ${opts[*]}] $PROG $*"
	"$PY" "$DRIVE" "$sc" "${opts[@]}" -- "${MODE_CMD[@]}" "$@" </dev/null >"$T/io/out" 2>"$T/io/err"
	rc=$?
	out=$(cat "$T/io/out")
	err=$(cat "$T/io/err")
}
get() { printf '%s\n' "$out" | sed -n "s/^$1 //p" | head -1; }
expect_get() {
	[ "$(get "$1")" = "$2" ] || { diag "$1: '$(get "$1")', expected '$2'"; return 1; }
}
# The command's output as the terminal showed it, CRs dropped.
shown() { get output | "$PY" -c 'import ast, sys; sys.stdout.write(ast.literal_eval(sys.stdin.read()).decode(errors="replace").replace("\r", ""))'; }

t_size() {
	drive "$1" run --rows 33 --cols 97 -- "${PTY[@]}" stty size
	expect_rc 0 && expect_get status 0 && [ "$(shown)" = "33 97" ] || { diag "shown: $(shown)"; return 1; }
}
mcase "the caller's window size is the pty's at start" t_size

# The command blocks SIGWINCH, says READY, and on the signal prints the
# size stty sees: nothing is typed, so only the resize can have told vb.
WINCH_CMD='import os, signal
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGWINCH])
print("READY", flush=True)
signal.sigwait([signal.SIGWINCH])
os.execlp("sh", "sh", "-c", "echo SIZE $(stty size)")'
t_resize() {
	drive "$1" resize --rows 33 --cols 97 --rows2 41 --cols2 123 -- "${PTY[@]}" $2 python3 -c "$WINCH_CMD"
	expect_rc 0 && expect_get size "41 123" && expect_get status 0
}
t_resize_pidns() { t_resize "$1" --unshare-pid; }
t_resize_plain() { t_resize "$1"; }
mcase "resize + SIGWINCH to vb: the foreground inside gets SIGWINCH, stty size the new size" t_resize_plain
mcase "same through vb's PID 1 (--unshare-pid)" t_resize_pidns

t_jobctl() {
	drive "$1" jobctl -- "${PTY[@]}" --unshare-pid --setenv PS1 'vbprompt$ ' \
		bash --norc --noprofile -i
	expect_rc 0 && expect_get stopped yes && expect_get resumed yes &&
		expect_get jobctl-complaint none && expect_get status 0 && expect_get termios same
}
mcase "job control in bash -i inside: ^Z stops the job, fg resumes it" t_jobctl

SESSION_PY='import os, fcntl, struct
print("sid", "leader" if os.getsid(0) == os.getpid() else "not-leader")
print("fg", "yes" if os.tcgetpgrp(0) == os.getpgrp() else "no")
fd = os.open("/dev/tty", os.O_RDWR)
dev = struct.unpack("I", fcntl.ioctl(fd, 0x80045432, b"\0" * 4))[0]  # TIOCGDEV
r = os.fstat(0).st_rdev
print("devtty %d:%d" % (os.major(dev), os.minor(dev)))
print("stdin %d:%d" % (os.major(r), os.minor(r)))
print("stdin-fs %d" % os.fstat(0).st_dev)'
t_session() {
	local tty stdin fs
	drive "$1" run -- "${PTY[@]}" --unshare-pid python3 -c "$SESSION_PY"
	expect_rc 0 && expect_get status 0 || return 1
	tty=$(shown | sed -n 's/^devtty //p') stdin=$(shown | sed -n 's/^stdin //p')
	fs=$(shown | sed -n 's/^stdin-fs //p')
	shown | grep -qx 'sid leader' && shown | grep -qx 'fg yes' || { diag "$(shown)"; return 1; }
	# Another pty than the caller's: another number, or the same number in
	# another devpts (the sandbox's own, which --dev /dev mounts).
	[ -n "$tty" ] && [ "$tty" = "$stdin" ] &&
		{ [ "$tty" != "$(get outer-rdev)" ] || [ "$fs" != "$(stat -c %d /dev/pts/ptmx)" ]; } ||
		{ diag "/dev/tty $tty, stdin $stdin (devpts $fs), caller's terminal $(get outer-rdev)"; return 1; }
	# Control: without --pty the same probe sees the caller's terminal.
	drive "$1" run -- "${SB[@]}" --dev /dev --unshare-pid python3 -c "$SESSION_PY"
	[ "$(shown | sed -n 's/^devtty //p')" = "$(get outer-rdev)" ] || { diag "control: $(shown)"; return 1; }
}
mcase "the command is a session leader, /dev/tty is the new pty (without --pty: the caller's)" t_session

# The pty is visible at its name inside, whatever /dev the command line
# builds: tty(1) and ttyname(3) name it, and that name is the terminal.
# With --dev /dev (a devpts of the sandbox's own) the pty was one of the
# caller's devpts, absent inside: "not a tty".
TTYNAME_PY='import os
n = os.ttyname(0)
print("ttyname", n)
print("same", "yes" if os.stat(n).st_rdev == os.fstat(0).st_rdev else "no")'
ttyname_case() {
	local mode=$1 name
	shift
	drive "$mode" run -- "$@" sh -c 'tty; exec python3 -c "$0"' "$TTYNAME_PY"
	expect_rc 0 && expect_get status 0 || return 1
	name=$(shown | head -1)
	[[ $name == /dev/pts/* ]] && shown | grep -qx "ttyname $name" && shown | grep -qx "same yes" ||
		{ diag "shown: $(shown)"; return 1; }
}
t_ttyname_dev() { ttyname_case "$1" "${PTY[@]}"; }
t_ttyname_pidns() { ttyname_case "$1" "${PTY[@]}" --unshare-pid; }
t_ttyname_minimal() { ttyname_case "$1" --profile minimal --pty; }
t_ttyname_devbind() { ttyname_case "$1" "${SB[@]}" --dev-bind /dev /dev --pty; }
mcase "--dev /dev --pty: tty and ttyname() name the pty inside" t_ttyname_dev
mcase "same through vb's PID 1 (--unshare-pid)" t_ttyname_pidns
mcase "--profile minimal --pty: tty and ttyname() name the pty" t_ttyname_minimal
mcase "--dev-bind /dev /dev --pty: tty and ttyname() name the pty" t_ttyname_devbind

# TIOCSTI from inside: on the sandbox's pty it only feeds the sandbox; the
# caller's terminal, leaked in as fd 5, refuses it (not the controlling
# tty).  A root sandbox keeps CAP_SYS_ADMIN, with which TIOCSTI works on
# any tty: drop it.  Control: without --pty, and with vb's default terminal
# filter lifted (--allow-tiocsti), the same call puts a line into the
# caller's terminal input.
t_tiocsti() {
	[ -x "$T/fix/vb-probe" ] || { SKIP_REASON="tests/vb-probe is not built"; return 77; }
	local -a nocaps=()
	[ "$1" = root ] && nocaps=(--cap-drop ALL)
	drive "$1" run --leak -- "${nocaps[@]}" "${PTY[@]}" --ro-bind "$T/fix/vb-probe" /probe /probe tiocsti:0 tiocsti:5
	expect_rc 0 && expect_get status 0 && expect_get queued "b''" || return 1
	shown | grep -qx 'tiocsti:5 EPERM' || { diag "$(shown)"; return 1; }
	shown | grep -Eqx 'tiocsti:0 (ok|EPERM)' || { diag "$(shown)"; return 1; }
	drive "$1" run --leak -- "${nocaps[@]}" "${SB[@]}" --dev /dev --allow-tiocsti --ro-bind "$T/fix/vb-probe" /probe /probe tiocsti:5
	if ! shown | grep -qx 'tiocsti:5 ok'; then
		[ "$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null)" = 0 ] &&
			{ SKIP_REASON="dev.tty.legacy_tiocsti=0: no control can inject"; return 77; }
		diag "control: $(shown)"
		return 1
	fi
	[[ $(get queued) == *VBZ* ]] || { diag "control queued: $(get queued)"; return 1; }
}
mcase "TIOCSTI: the sandbox's pty only; the caller's terminal (leaked fd) refuses it" t_tiocsti

# The caller's termios after each way out, and vb's status.
t_restore() {
	local mode=$1 want=$2 sc=run
	shift 2
	[ "$1" = --signal ] && { sc=signal; shift; }
	local -a opts=()
	while [ "${1:-}" != -- ]; do opts+=("$1"); shift; done
	shift
	drive "$mode" "$sc" "${opts[@]}" -- "${PTY[@]}" "$@"
	expect_rc 0 && expect_get termios same && expect_get status "$want"
}
LOOP='echo READY; while :; do sleep 1; done'
t_restore_exit() { t_restore "$1" 3 -- sh -c 'exit 3'; }
t_restore_killed() { t_restore "$1" 137 -- sh -c 'kill -KILL $$'; }
t_restore_setup() {
	t_restore "$1" 1 -- --chdir /nonexistent true || return 1
	shown | grep -q "Can't chdir to /nonexistent" || { diag "$(shown)"; return 1; }
}
t_restore_exec() { t_restore "$1" 1 -- /nonexistent-command; }
t_restore_term() { t_restore "$1" 143 --signal --sig 15 -- --unshare-pid sh -c "$LOOP"; }
t_restore_hup() { t_restore "$1" 129 --signal --sig 1 -- sh -c "$LOOP"; }
mcase "terminal settings restored: command exits 3" t_restore_exit
mcase "terminal settings restored: command killed by SIGKILL" t_restore_killed
mcase "terminal settings restored: setup failure (--chdir)" t_restore_setup
mcase "terminal settings restored: exec failure" t_restore_exec
mcase "terminal settings restored: vb gets SIGTERM" t_restore_term
mcase "terminal settings restored: vb gets SIGHUP" t_restore_hup

# The caller's terminal hangs up (its master closed): the command, in its
# own session on the pty, is told by a hangup of the pty, and vb ends.
t_hangup() {
	drive "$1" hangup -- "${PTY[@]}" $2 sh -c "$LOOP"
	expect_rc 0 && expect_get ended yes && expect_get status 129
}
t_hangup_plain() { t_hangup "$1"; }
t_hangup_pidns() { t_hangup "$1" --unshare-pid; }
mcase "the caller's terminal hangs up: SIGHUP inside, vb ends" t_hangup_plain
mcase "same through vb's PID 1 (--unshare-pid)" t_hangup_pidns

done_testing
