#!/bin/bash
# tests/probes.t: seccomp policies, Landlock and the escape probes, in the
# three modes.  Each escape probe runs the attempt where it must fail and a
# control where it must succeed (or behave differently): outside the
# sandbox, or in a sandbox without the one protection under test, so that
# a pass proves the protection and not a broken probe.
#
# The attempts are made by tests/vb-probe (bound at /probe), which prints
# "NAME RESULT" per attempt, RESULT being "ok" or the errno's name.  Which
# protection stops what:
#   terminal injection   vb's default terminal filter, --new-session, --pty
#                        (tests/pty.t), the default policy
#   outside processes    a pid namespace (cannot name them), a user namespace
#                        (the kernel's ptrace check), the default policy;
#                        vb's own processes are not dumpable
#   capabilities         no_new_privs, nosuid binds, the emptied bounding set
#   io_uring             every policy and deny list denies it unless named
#   vb's fds             closed before the command runs
#   a supervisor         --timeout: a pid namespace, PID 1 watches the outer vb
#   setup                destinations resolved inside the new root; --chdir
#                        after pivot_root; recursive read-only binds
#   kernel surface       the default policy (one line per group it names)
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

# ==== escape probes ============================================================

# lib.sh copied it from the build tree to $T/fix.
PROBE=$T/fix/vb-probe
if [ ! -x "$PROBE" ]; then
	skip "tests/vb-probe is not built (make check builds it)" "escape probes"
	done_testing
	exit 0
fi
DRIVE=$T/fix/pty-drive.py
# The sandbox of most probes: /usr and the probe, nothing else of the host.
PB=("${SB[@]}" --ro-bind "$PROBE" /probe)

# res NAME: what the probe printed for NAME in $out.
res() { printf '%s\n' "$out" | awk -v n="$1" '$1 == n { print $2; exit }'; }
# expect_res NAME RESULT...: NAME came out as one of RESULTs.
expect_res() {
	local n=$1 got
	shift
	got=$(res "$n")
	for w in "$@"; do [ "$got" = "$w" ] && return 0; done
	diag "$n: got '${got:-nothing}', expected $*"
	return 1
}
# ids_field KEY: a field of the probe's "ids" line (uid, euid, CapEff, ...).
ids_field() { printf '%s\n' "$out" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -1; }

# A root sandbox keeps the caller's capabilities (bwrap's rule), and with
# them the right to do all of this: root-mode probes drop them.
root_nocaps() { if [ "$1" = root ]; then echo --cap-drop; echo ALL; fi; }

# ---- terminal injection: TIOCSTI ----------------------------------------------
# The sandbox runs on a terminal of tests/pty-drive.py's; "queued" is what
# sits in that terminal's input queue afterwards (what the caller's shell
# would read and run).
drive() {
	local mode=$1 sc=$2
	shift 2
	mode_prefix "$mode"
	LAST_CMD="[$mode, pty-drive $sc] $PROG $*"
	local -a opts=()
	while [ "${1:-}" != -- ]; do opts+=("$1"); shift; done
	shift
	"$PY" "$DRIVE" "$sc" "${opts[@]}" -- "${MODE_CMD[@]}" "$@" </dev/null >"$T/io/out" 2>"$T/io/err"
	rc=$?
	out=$(cat "$T/io/out")
	err=$(cat "$T/io/err")
}
get() { printf '%s\n' "$out" | sed -n "s/^$1 //p" | head -1; }
# The probe's result NAME inside the driver's "output" line.
tres() { get output | grep -o "$1 [A-Za-z0-9]*" | head -1 | cut -d' ' -f2; }

LEGACY_TIOCSTI=$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo 1)
t_tiocsti_control() {
	drive "$1" run -- "${PB[@]}" --allow-tiocsti /probe tiocsti:0
	if [ "$(tres tiocsti:0)" != ok ] && [ "$LEGACY_TIOCSTI" = 0 ] && [ "$1" != root ]; then
		SKIP_REASON="dev.tty.legacy_tiocsti=0: the kernel refuses TIOCSTI to non-root anyway"
		return 77
	fi
	[ "$(tres tiocsti:0)" = ok ] || { diag "TIOCSTI: $(tres tiocsti:0)"; return 1; }
	[[ $(get queued) == *VBZ* ]] || { diag "nothing reached the terminal's input"; return 1; }
}
mcase "TIOCSTI: with --allow-tiocsti a line reaches the caller's terminal input (control)" t_tiocsti_control

# By default every sandbox refuses TIOCSTI and TIOCLINUX (a seccomp filter
# of vb's own): in root mode with all capabilities, where the kernel would
# let TIOCSTI through on any terminal, only that filter stands in the way.
t_tiocsti_default() {
	drive "$1" run -- "${PB[@]}" /probe tiocsti:0 tioclinux:0
	[ "$(tres tiocsti:0)" = EPERM ] && [ "$(tres tioclinux:0)" = EPERM ] ||
		{ diag "TIOCSTI: $(tres tiocsti:0), TIOCLINUX: $(tres tioclinux:0)"; return 1; }
	[ "$(get queued)" = "b''" ] || { diag "queued: $(get queued)"; return 1; }
	# Control for TIOCLINUX: on a pty the kernel's own answer is another
	# errno, so the EPERM above was the filter's.
	drive "$1" run -- "${PB[@]}" --allow-tiocsti /probe tioclinux:0
	[ "$(tres tioclinux:0)" != EPERM ] || { diag "TIOCLINUX control: EPERM"; return 1; }
	# A policy that allows @tiocsti by name lifts the default too.
	drive "$1" run -- "${PB[@]}" --seccomp-allow @tiocsti /probe tioclinux:0
	[ "$(tres tioclinux:0)" != EPERM ] || { diag "allow @tiocsti: EPERM"; return 1; }
}
mcase "TIOCSTI/TIOCLINUX: refused by default (EPERM), nothing queued; --allow-tiocsti lifts it" t_tiocsti_default

# The filter leaves job control alone: bash -i on the inherited terminal
# (no --pty, no --new-session) stops a job with ^Z and resumes it with fg.
t_tiocsti_jobctl() {
	drive "$1" jobctl -- "${PB[@]}" --dev /dev --setenv PS1 'vbprompt$ ' bash --norc --noprofile -i
	[ "$(get stopped)" = yes ] && [ "$(get resumed)" = yes ] && [ "$(get jobctl-complaint)" = none ] ||
		{ diag "stopped=$(get stopped) resumed=$(get resumed) complaint=$(get jobctl-complaint)"; return 1; }
}
mcase "default terminal filter: job control in bash -i on the caller's terminal still works" t_tiocsti_jobctl

t_tiocsti_new_session() {
	# root: CAP_SYS_ADMIN lets TIOCSTI through on any tty, so drop it.
	drive "$1" run -- $(root_nocaps "$1") "${PB[@]}" --new-session /probe tiocsti:0
	[ "$(tres tiocsti:0)" = EPERM ] || { diag "TIOCSTI: $(tres tiocsti:0)"; return 1; }
	[ "$(get queued)" = "b''" ] || { diag "queued: $(get queued)"; return 1; }
}
mcase "TIOCSTI: --new-session refuses it (EPERM), nothing queued" t_tiocsti_new_session

t_tiocsti_policy() {
	# Full capabilities in root mode: only the filter stands in the way.
	drive "$1" run -- "${PB[@]}" --seccomp-policy default /probe tiocsti:0 tioclinux:0
	[ "$(tres tiocsti:0)" = EPERM ] && [ "$(tres tioclinux:0)" = EPERM ] ||
		{ diag "TIOCSTI: $(tres tiocsti:0), TIOCLINUX: $(tres tioclinux:0)"; return 1; }
	[ "$(get queued)" = "b''" ] || { diag "queued: $(get queued)"; return 1; }
	# Control for TIOCLINUX: on a pty (no virtual console) the kernel's
	# answer is another errno, so the EPERM above was the filter's.
	drive "$1" run -- "${PB[@]}" --allow-tiocsti /probe tioclinux:0
	[ "$(tres tioclinux:0)" != EPERM ] || { diag "TIOCLINUX control: EPERM"; return 1; }
}
mcase "TIOCSTI/TIOCLINUX: the default policy refuses them (EPERM), nothing queued" t_tiocsti_policy

# ---- io_uring ------------------------------------------------------------------
# A ring runs socket(), connect(), openat()... inside the kernel, where no
# seccomp filter sees them: every built-in policy, and any deny list,
# refuses io_uring_setup() unless a rule allows it by name.  (A deny of
# openat would stop the probe's own loader: socket and connect stand in.)
IO_URING_DISABLED=$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 0)
t_io_uring() {
	local p
	# (minimal cannot load a dynamic binary: @file-system added.)
	for p in "--seccomp-policy default" "--seccomp-policy minimal --seccomp-allow @file-system" "--seccomp-policy build" \
		"--seccomp-policy network" "--seccomp-deny socket" "--seccomp-deny socket --seccomp-deny connect" \
		"--seccomp-policy build --seccomp-allow @aio"; do
		# shellcheck disable=SC2086
		run_mode "$1" -- "${PB[@]}" $p /probe io-uring
		expect_rc 0 && expect_res io-uring EPERM ENOSYS || { diag "with $p"; return 1; }
	done
	# Control: without a policy, and allowed by name, a ring is made.
	if [ "$IO_URING_DISABLED" != 0 ]; then
		SKIP_REASON="kernel.io_uring_disabled=$IO_URING_DISABLED: no control can make a ring"
		return 77
	fi
	run_mode "$1" -- "${PB[@]}" /probe io-uring
	expect_rc 0 && expect_res io-uring ok || { diag "control without a policy"; return 1; }
	run_mode "$1" -- "${PB[@]}" --seccomp-policy build --seccomp-allow io_uring_setup /probe io-uring
	expect_rc 0 && expect_res io-uring ok || { diag "control: allowed by name"; return 1; }
}
mcase "io_uring_setup: EPERM under every built-in policy and --seccomp-deny (ok without, or allowed by name)" t_io_uring

t_io_uring_dump() {
	local p
	for p in default minimal build network; do
		run_mode "$1" --seccomp-policy-dump "$p"
		expect_rc 0 && [[ $out == *"deny @io-uring"* ]] || { diag "dump of $p"; return 1; }
	done
	printf 'default allow\ndeny socket\n' >"$T/fix/pol-deny" && chmod a+r "$T/fix/pol-deny"
	run_mode "$1" --seccomp-policy-dump "$T/fix/pol-deny"
	expect_rc 0 && [[ $out == *"deny @io-uring"* ]] || { diag "dump of a file"; return 1; }
	printf 'default allow\nallow @io-uring\n' >"$T/fix/pol-uring" && chmod a+r "$T/fix/pol-uring"
	run_mode "$1" --seccomp-policy-dump "$T/fix/pol-uring"
	expect_rc 0 && [[ $out != *"deny @io-uring"* ]]
}
mcase "--seccomp-policy-dump shows io_uring denied (not when a file allows it)" t_io_uring_dump

# ---- processes outside the sandbox ---------------------------------------------
# The victim: a process outside, with the identity a sandbox of MODE has
# (root without capabilities, like a --cap-drop ALL sandbox; the test user).
VICTIM=
start_victim() {
	if [ "$1" = root ]; then
		setpriv --bounding-set -all --inh-caps -all -- sleep 1000 </dev/null >/dev/null 2>&1 &
	else
		"${AS_USER[@]}" sleep 1000 </dev/null >/dev/null 2>&1 &
	fi
	VICTIM=$!
	# Until sleep runs (before, the pid is setpriv's: different credentials).
	for _ in $(seq 100); do
		[ "$(readlink "/proc/$VICTIM/exe" 2>/dev/null)" = "$(readlink -f "$(command -v sleep)")" ] && break
		sleep 0.05
	done
}
stop_victim() { kill "$VICTIM" 2>/dev/null; wait "$VICTIM" 2>/dev/null; }
# The attempts on process P: ptrace, and its /proc root, exe and cwd.
outside_probes() {
	echo "ptrace:$1" "ls:/proc/$1/root/" "readlink:/proc/$1/exe" "open:/proc/$1/exe" "ls:/proc/$1/cwd/"
}
expect_all() {
	local want=$1 p
	shift
	for p in "$@"; do expect_res "$p" $want || return 1; done
}

# The control: the victim is reachable by a sandbox of the mode's default
# shape with the host's /proc (root and setuid modes share the victim's
# user namespace), or at least by the same probe outside (user mode: the
# sandbox's user namespace stands in the way, see the next cases).
t_outside_control() {
	local -a p
	start_victim "$1"
	mapfile -t p < <(outside_probes "$VICTIM" | tr ' ' '\n')
	run_mode "$1" -- $(root_nocaps "$1") "${PB[@]}" --proc /proc /probe "${p[@]}"
	if [ "$1" = user ]; then
		expect_all "EPERM EACCES" "${p[@]}" || { stop_victim; return 1; }
		out=$(as_mode_user "$1" "$PROBE" "${p[@]}")
	fi
	stop_victim
	expect_all ok "${p[@]}"
}
mcase "outside process of the same uid: ptrace and /proc/PID/{root,exe,cwd} work without protection (control)" t_outside_control

t_outside_pidns() {
	start_victim "$1"
	run_mode "$1" -- $(root_nocaps "$1") "${PB[@]}" --unshare-pid --proc /proc /probe "ptrace:$VICTIM" "kill0:$VICTIM"
	stop_victim
	expect_all ESRCH "ptrace:$VICTIM" "kill0:$VICTIM"
}
mcase "--unshare-pid: an outside process cannot even be named (ESRCH)" t_outside_pidns

t_outside_userns() {
	local -a p
	start_victim "$1"
	mapfile -t p < <(outside_probes "$VICTIM" | tr ' ' '\n')
	run_mode "$1" -- --unshare-user "${PB[@]}" --proc /proc /probe "${p[@]}"
	stop_victim
	expect_res "ptrace:$VICTIM" EPERM && expect_all EACCES "${p[@]:1}"
}
mcase "--unshare-user: ptrace and /proc/PID/* of an outside process refused" t_outside_userns

t_outside_policy() {
	start_victim "$1"
	run_mode "$1" -- $(root_nocaps "$1") "${PB[@]}" --seccomp-policy default --proc /proc \
		/probe "ptrace:$VICTIM" ptrace-child
	stop_victim
	expect_res "ptrace:$VICTIM" EPERM && expect_res ptrace-child EPERM
}
mcase "default policy: ptrace refused, of an outside process and of a child" t_outside_policy

# The outer vb is the one process outside that every sandbox can find
# (its parent) and, without a pid namespace, name.
t_outer_vb() {
	run_mode "$1" -- $(root_nocaps "$1") "${PB[@]}" --proc /proc /probe $(outside_probes %p)
	expect_rc 0 || return 1
	expect_res ptrace:%p EPERM && expect_all EACCES "ls:/proc/%p/root/" "readlink:/proc/%p/exe" \
		"open:/proc/%p/exe" "ls:/proc/%p/cwd/"
}
mcase "outer vb (no pid ns, host /proc): ptrace and /proc/VB/{root,exe,cwd} refused" t_outer_vb

# vb's PID 1 runs in the sandbox, but is vb: not under the command's seccomp
# filter or Landlock, and /proc/1/exe is vb's binary on the host.
t_pid1() {
	run_mode "$1" -- $(root_nocaps "$1") "${PB[@]}" --unshare-pid --proc /proc --seccomp-deny socket \
		/probe ptrace:1 open:/proc/1/exe readlink:/proc/1/exe ls:/proc/1/root/ open:/proc/1/mem
	expect_rc 0 && expect_res ptrace:1 EPERM &&
		expect_all EACCES open:/proc/1/exe readlink:/proc/1/exe ls:/proc/1/root/ open:/proc/1/mem ||
		return 1
	# Control: the same attempts on another process with the command's
	# credentials in the same sandbox succeed.
	run_mode "$1" -- $(root_nocaps "$1") "${PB[@]}" --unshare-pid --proc /proc --dev /dev --seccomp-deny socket \
		/bin/sh -c '/bin/sleep 1000 & exec /probe ptrace:$! open:/proc/$!/exe ls:/proc/$!/root/ open:/proc/$!/mem'
	[ "$(printf '%s\n' "$out" | grep -c ' ok$')" = 4 ] || { diag "control: $out"; return 1; }
}
mcase "vb's PID 1: ptrace and /proc/1/{exe,root,mem} refused (a sibling's work)" t_pid1

# ---- fds vb uses for itself ---------------------------------------------------
# Each fd the caller hands to vb for vb's own use (fd 5, and 6 where a
# second one is needed) is closed before the command runs; fd 8, passed
# along without an option, is the control: the command sees it.
printf x >"$T/fix/onebyte"
printf -- '--dir\0/from-args\0' >"$T/fix/argsfile"
# One BPF instruction: return SECCOMP_RET_ALLOW.
printf '\006\000\000\000\000\000\377\177' >"$T/fix/allow.bpf"
chmod a+r "$T/fix/onebyte" "$T/fix/argsfile" "$T/fix/allow.bpf"
# (--userns-block-fd: its caller writes the id maps; not driven here.)
OWN_FDS="sync sync-pidns block info json-status status seccomp add-seccomp args"
own_fd_run() {
	local m=$1 P=("${PB[@]}" --proc /proc)
	case $2 in
	sync) run_mode "$m" -- --sync-fd 5 "${P[@]}" /probe fds 5>/dev/null 8</dev/null ;;
	sync-pidns) run_mode "$m" -- --sync-fd 5 --unshare-pid "${P[@]}" /probe fds 5>/dev/null 8</dev/null ;;
	block) run_mode "$m" -- --block-fd 5 "${P[@]}" /probe fds 5<"$T/fix/onebyte" 8</dev/null ;;
	info) run_mode "$m" -- --info-fd 5 "${P[@]}" /probe fds 5>"$T/io/info" 8</dev/null ;;
	json-status) run_mode "$m" -- --json-status-fd 5 "${P[@]}" /probe fds 5>"$T/io/info" 8</dev/null ;;
	status) run_mode "$m" -- --status-fd 5 "${P[@]}" /probe fds 5>"$T/io/info" 8</dev/null ;;
	seccomp) run_mode "$m" -- --seccomp 5 "${P[@]}" /probe fds 5<"$T/fix/allow.bpf" 8</dev/null ;;
	add-seccomp) run_mode "$m" -- --add-seccomp-fd 5 "${P[@]}" /probe fds 5<"$T/fix/allow.bpf" 8</dev/null ;;
	args) run_mode "$m" -- --args 5 "${P[@]}" /probe fds 5<"$T/fix/argsfile" 8</dev/null ;;
	pidns) run_mode "$m" -- --pidns 5 "${P[@]}" /probe fds 5</proc/self/ns/pid 8</dev/null ;;
	esac
}
t_own_fds() {
	local k got bad=
	for k in $OWN_FDS; do
		own_fd_run "$1" "$k"
		got=" $(printf '%s\n' "$out" | sed -n 's/^fds //p') "
		[ "$rc" = 0 ] || { diag "$k: status $rc: $err"; bad=1; continue; }
		[[ $got == *" 8 "* ]] || { diag "$k: the control fd 8 is missing:$got"; bad=1; }
		[[ $got != *" 5 "* && $got != *" 6 "* ]] || { diag "$k: vb's fd reached the command:$got"; bad=1; }
	done
	[ -z "$bad" ]
}
mcase "fds given to vb (--sync-fd, --block-fd, --info-fd, --json-status-fd, --status-fd, --seccomp, --add-seccomp-fd, --args) never reach the command (a passed fd does)" t_own_fds
t_own_ns_fds() {
	OWN_FDS="pidns" t_own_fds "$1"
}
mcase "--pidns FD never reaches the command (a passed fd does)" t_own_ns_fds root

# ---- the supervisor: the sandbox can neither out-wait nor outlive vb -----------
# With --timeout the command must not stop or kill the outer vb and run on:
# vb gives the sandbox a pid namespace (the command cannot name vb, nor
# stop vb's PID 1), PID 1 ends the sandbox when vb dies, and holds the
# deadline itself if vb is stopped anyway.  The controls run without
# --timeout: there the same command stops or kills vb and runs on.
# sbg MODE DIR ARGS...: vb ARGS in the background, bounded; VBPID is its pid.
sbg() {
	local m=$1 w=$2
	shift 2
	mode_prefix "$m"
	LAST_CMD="[$m] $PROG $*"
	timeout 60 "${MODE_CMD[@]}" "${PB[@]}" --bind "$w" /w "$@" </dev/null >"$T/io/out" 2>"$T/io/err" &
	VBPID=$!
}
# until_gone PREFIX: waits (bounded) until no process's command line starts so.
until_gone() {
	local i
	for i in $(seq 300); do pgrep -f -- "^$1" >/dev/null || return 0; sleep 0.05; done
	diag "still running: $(pgrep -af -- "$1")"
	return 1
}
until_file() {
	local i
	for i in $(seq 300); do [ -e "$1" ] && return 0; sleep 0.05; done
	diag "never appeared: $1"
	return 1
}
# The timeout's own process: vb-timeout's pid when run through timeout(1).
vb_of() { pgrep -P "$1" | head -1; }

t_outwait_inside() {
	local w
	w=$(mkw "outwait-$1")
	mode_prefix "$1"
	LAST_CMD="[$1] $PROG --timeout 1 ... sh -c 'kill -STOP \$PPID; sleep 4; echo RAN'"
	local t0=$SECONDS
	timeout -s KILL 30 "${MODE_CMD[@]}" --timeout 1 "${PB[@]}" --bind "$w" /w \
		/bin/sh -c 'kill -STOP $PPID; kill -KILL $PPID; sleep 4; echo RAN; echo RAN >/w/ran' \
		</dev/null >"$T/io/out" 2>"$T/io/err"
	rc=$? out=$(cat "$T/io/out") err=$(cat "$T/io/err")
	[ $((SECONDS - t0)) -lt 30 ] || { diag "vb did not end"; return 1; }
	# 124: vb's status for a command it ended at --timeout.
	expect_rc 124 && [[ $out != *RAN* ]] && [ ! -e "$w/ran" ]
}
mcase "--timeout 1: kill -STOP/-KILL \$PPID, sleep 4: the sandbox still ends at the timeout, nothing ran on" t_outwait_inside

t_outwait_inside_control() {
	local w
	w=$(mkw "outwaitc-$1")
	sbg "$1" "$w" /bin/sh -c 'kill -STOP $PPID; echo RAN >/w/ran'
	until_file "$w/ran"
	local got=$?
	kill -CONT "$(vb_of "$VBPID")" "$VBPID" 2>/dev/null
	wait "$VBPID"
	[ "$got" = 0 ]
}
mcase "without --timeout the command stops the outer vb (kill -STOP \$PPID) and runs on (control)" t_outwait_inside_control

t_outwait_stopped() {
	local w mark="sleep 6.0$RANDOM"
	w=$(mkw "stopped-$1")
	sbg "$1" "$w" --timeout 1 /bin/sh -c "echo >/w/started; $mark; echo RAN >/w/ran"
	until_file "$w/started" || { kill "$VBPID"; wait "$VBPID"; return 1; }
	kill -STOP "$(vb_of "$VBPID")"
	until_gone "$mark"
	local gone=$?
	until_gone "/bin/sh -c echo >/w/started"
	kill -CONT "$(vb_of "$VBPID")" 2>/dev/null
	wait "$VBPID"
	rc=$?
	[ "$gone" = 0 ] && [ ! -e "$w/ran" ]
}
mcase "--timeout 1 with the outer vb stopped from outside: vb's PID 1 ends the sandbox" t_outwait_stopped

t_outlive() {
	local w mark="sleep 6.1$RANDOM" ctl=$2
	w=$(mkw "outlive-$1$ctl")
	[ -n "$ctl" ] && mark="sleep 0.5$RANDOM"
	# shellcheck disable=SC2086
	sbg "$1" "$w" ${ctl:---timeout 30} /bin/sh -c "echo >/w/started; $mark; echo RAN >/w/ran"
	until_file "$w/started" || { kill "$VBPID"; wait "$VBPID"; return 1; }
	kill -KILL "$(vb_of "$VBPID")"
	wait "$VBPID"
	if [ -n "$ctl" ]; then
		# Control: the sandbox outlives a plain vb and finishes its work.
		until_file "$w/ran"
		return
	fi
	until_gone "$mark" && until_gone "/bin/sh -c echo >/w/started" && [ ! -e "$w/ran" ]
}
t_outlive_ctl() { t_outlive "$1" --new-session; }
mcase "--timeout: the outer vb killed (SIGKILL): nothing of the sandbox keeps running" t_outlive
mcase "without --timeout a killed vb leaves the sandbox running (control)" t_outlive_ctl

# ---- capabilities that were dropped ---------------------------------------------
HAVE_SETCAP=
SUIDDIR=$T/suid/probes
mkdir -p "$SUIDDIR" && chmod 755 "$SUIDDIR"
if [ "$MYUID" = 0 ]; then
	cp "$PROBE" "$SUIDDIR/probe-suid" && chown 0:0 "$SUIDDIR/probe-suid" && chmod 4755 "$SUIDDIR/probe-suid"
	cp "$PROBE" "$SUIDDIR/probe-fcap" && chmod 755 "$SUIDDIR/probe-fcap"
	setcap cap_net_raw+ep "$SUIDDIR/probe-fcap" 2>/dev/null && HAVE_SETCAP=1
fi
# What exec gives without the sandbox: root with no capabilities regains
# them all from any binary; the test user gets euid 0 or cap_net_raw.
outside_exec() {
	if [ "$1" = root ]; then
		"$PY" -c '
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
hdr = (ctypes.c_uint32 * 2)(0x20080522, 0)
data = (ctypes.c_uint32 * 6)()
assert libc.capset(hdr, data) == 0
os.execv(sys.argv[1], sys.argv[1:])' "$2" ids
	else
		"${AS_USER[@]}" "$2" ids
	fi
}
# Inside: PROC for /proc/self/status, the binaries' directory bound in
# (with vb's nosuid, as any bind).
t_exec_gain() {
	local bin=$SUIDDIR/$2 uid
	[ "$MYUID" = 0 ] || { SKIP_REASON="needs root to make the binaries"; return 77; }
	[ "$2" != probe-fcap ] || [ -n "$HAVE_SETCAP" ] || { SKIP_REASON="setcap failed here"; return 77; }
	out=$(outside_exec "$1" "$bin")
	if [ "$1" = root ]; then
		[ "$(ids_field CapEff)" != 0000000000000000 ] || { diag "control: $out"; return 1; }
	elif [ "$2" = probe-suid ]; then
		[ "$(ids_field euid)" = 0 ] || { diag "control: $out"; return 1; }
	else
		[ "$(ids_field CapEff)" = 0000000000002000 ] || { diag "control: $out"; return 1; }
	fi
	run_mode "$1" -- $(root_nocaps "$1") "${PB[@]}" --unshare-pid --proc /proc --ro-bind "$SUIDDIR" /s "/s/$2" ids
	uid=$(uid_in "$1")
	expect_rc 0 && [ "$(ids_field euid)" = "$uid" ] && [ "$(ids_field CapEff)" = 0000000000000000 ] &&
		[ "$(ids_field CapPrm)" = 0000000000000000 ] || { diag "inside: $out"; return 1; }
}
t_exec_suid() { t_exec_gain "$1" probe-suid; }
t_exec_fcap() { t_exec_gain "$1" probe-fcap; }
mcase "exec of a setuid-root binary: no euid 0, no capability (outside: gained)" t_exec_suid
mcase "exec of a cap_net_raw+ep binary: no capability (outside: gained)" t_exec_fcap

# capset()/PR_CAP_AMBIENT_RAISE of CAP_NET_RAW (13), dropped.  Control: the
# same sandbox with --cap-add CAP_NET_RAW, which setuid mode refuses; there
# the same call by the same user in an unprivileged-mode sandbox stands in.
t_cap_raise() {
	local ctl=$1
	run_mode "$1" -- $(root_nocaps "$1") "${PB[@]}" /probe capset:13 ambient:13
	expect_rc 0 && expect_res capset:13 EPERM && expect_res ambient:13 EPERM || return 1
	if [ "$1" = setuid ]; then
		mode_available user || { SKIP_REASON="no control: --cap-add is refused in setuid mode, user mode unavailable"; return 77; }
		ctl=user
	fi
	run_mode "$ctl" -- $(root_nocaps "$ctl") --cap-add CAP_NET_RAW "${PB[@]}" /probe capset:13 ambient:13
	expect_res capset:13 ok && expect_res ambient:13 ok
}
mcase "capset()/PR_CAP_AMBIENT_RAISE of a dropped capability: EPERM (kept one: ok)" t_cap_raise

# ---- --check-host: no file-existence oracle ------------------------------------
# Its argv[0] is the caller's to choose, and --check-host stat()s it: in a
# directory closed to the caller, a file there and none must read the same
# (in an open one they differ: the control).
check_host_as() { # DIR NAME: --check-host run with argv[0] DIR/NAME, DIR/NAME replaced by X
	mode_prefix "$MODE"
	"${MODE_CMD[@]:0:${#MODE_CMD[@]}-1}" bash -c 'exec -a "$1" "$2" --check-host' _ "$1/$2" \
		"${MODE_CMD[-1]}" 2>&1 | sed "s#$1/$2#X#g"
}
t_check_host_oracle() {
	local d=$T/w/closed o=$T/w/open a b ca cb
	MODE=$1
	rm -rf "$d" "$o" && mkdir -p "$d" "$o" && touch "$d/there" "$o/there" || return 1
	chmod 700 "$d" && chmod 755 "$o"
	a=$(check_host_as "$d" there)
	b=$(check_host_as "$d" none)
	ca=$(check_host_as "$o" there)
	cb=$(check_host_as "$o" none)
	rm -rf "$d" "$o"
	rc=0 out=$a err=
	[ "$ca" != "$cb" ] || { diag "control: an open directory's file does not show"; return 1; }
	[ "$a" = "$b" ] || { diag "a closed directory's file shows: $(diff <(echo "$a") <(echo "$b") | grep '^[<>]')"; return 1; }
}
mcase "--check-host: a root-only directory's files do not show through argv[0] (open one: they do)" \
	t_check_host_oracle user setuid

# ---- symlinks at destinations --------------------------------------------------
# A directory the sandbox can write (bound at /d) holds symlinks an earlier
# run could have left: to the host through the setup's /oldroot, absolute
# or relative.  Each op below them must fail and touch nothing outside;
# the control op goes through a symlink to a bound directory and shows
# what an escape would have left there.
state() { find "$1" -printf '%P %m %s %U\n' 2>/dev/null | sort; }
t_swap_static() {
	local w v ok before op l n=0
	w=$(mkw "swap-$1") v=$(mkw "victim-$1") ok=$(mkw "legit-$1")
	mkdir "$w/d" "$T/fix/src-$1" 2>/dev/null
	echo keep >"$v/keep" && chmod 644 "$v/keep"
	echo data >"$T/fix/data"
	ln -s "/oldroot$v" "$w/d/abs"
	ln -s "../../../../../../../../../../oldroot$v" "$w/d/rel"
	ln -s /legit "$w/d/ok"
	[ "$MYUID" = 0 ] && chown -R "$TUID:$TGID" "$w/d" "$v" "$ok" && chown -h "$TUID:$TGID" "$w/d"/*
	before=$(state "$v")
	local -a ops=("--dir /d/L/made" "--file 3 /d/L/written" "--symlink t /d/L/lnk"
		"--chmod 0700 /d/L/keep" "--ro-bind $T/fix/src-$1 /d/L/mnt" "--tmpfs /d/L/tmp"
		"--bind-data 3 /d/L/bd" "--remount-ro /d/L")
	for l in abs rel; do
		for op in "${ops[@]}"; do
			# shellcheck disable=SC2086
			run_mode "$1" -- "${SB[@]}" --bind "$w/d" /d ${op//\/L\//\/$l\/} true 3<"$T/fix/data"
			n=$((n + 1))
			expect_rc 1 && expect_out "" && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] &&
				[[ $err == "$PROG: "* ]] || { diag "op: ${op//\/L\//\/$l\/}"; return 1; }
		done
	done
	[ "$(state "$v")" = "$before" ] || { diag "host victim changed:"; diag "$(diff <(echo "$before") <(state "$v"))"; return 1; }
	[ "$(ls -A "$w/d" | tr '\n' ' ')" = "abs ok rel " ] || { diag "in /d: $(ls -A "$w/d")"; return 1; }
	# Control: through /d/ok -> /legit (a bind of $ok) the same ops land.
	echo keep >"$ok/keep" && chmod 644 "$ok/keep" && { [ "$MYUID" != 0 ] || chown "$TUID:$TGID" "$ok/keep"; }
	before=$(state "$ok")
	for op in "${ops[@]:0:4}"; do
		# shellcheck disable=SC2086
		run_mode "$1" -- "${SB[@]}" --bind "$ok" /legit --bind "$w/d" /d ${op//\/L\//\/ok\/} true 3<"$T/fix/data"
		expect_rc 0 || { diag "control op: ${op//\/L\//\/ok\/}"; return 1; }
	done
	[ "$(state "$ok")" != "$before" ] && [ -d "$ok/made" ] && [ -f "$ok/written" ] && [ -L "$ok/lnk" ] &&
		[ "$(stat -c %a "$ok/keep")" = 700 ] || { diag "control: $(state "$ok")"; return 1; }
}
mcase "symlinks to the host at destinations: 16 ops refused, host untouched (legit symlink: ops land)" t_swap_static

# The swap during setup: vb blocks reading --file's fd 3 (a FIFO) while
# /d/sub is a directory; the test then replaces it by a symlink and lets
# vb go on to the ops below /d/sub.
t_swap_midsetup() {
	local mode=$1 target=$2 w v pid i
	w=$(mkw "mid-$mode-$target") v=$(mkw "midvictim-$mode-$target")
	mkdir "$w/d" "$w/d/sub" "$w/d/inner"
	[ "$MYUID" = 0 ] && chown -R "$TUID:$TGID" "$w/d"
	rm -f "$T/io/gate" && mkfifo "$T/io/gate"
	exec 9<>"$T/io/gate"
	mode_prefix "$mode"
	LAST_CMD="[$mode] $PROG --bind $w/d /d --dir /d/sub/pre --file 3 /d/gate --dir /d/sub/made ..."
	"${MODE_CMD[@]}" "${SB[@]}" --bind "$w/d" /d --dir /d/sub/pre --file 3 /d/gate \
		--dir /d/sub/made --file 4 /d/sub/written true \
		3<"$T/io/gate" 4<"$T/fix/data" 9>&- </dev/null >"$T/io/out" 2>"$T/io/err" &
	pid=$!
	for i in $(seq 200); do [ -e "$w/d/gate" ] && break; sleep 0.05; done
	[ -d "$w/d/sub/pre" ] || { exec 9>&-; wait $pid; diag "vb did not reach the gate"; return 1; }
	mv "$w/d/sub" "$w/d/sub.old"
	if [ "$target" = host ]; then ln -s "/oldroot$v" "$w/d/sub"; else ln -s /d/inner "$w/d/sub"; fi
	exec 9>&-
	wait $pid
	rc=$?
	out=$(cat "$T/io/out") err=$(cat "$T/io/err")
	if [ "$target" = host ]; then
		expect_rc 1 && expect_err_like "/d/sub/made" || return 1
		[ -z "$(ls -A "$v")" ] || { diag "host victim: $(ls -A "$v")"; return 1; }
	else
		# Control: the swap is seen, and an op through the new symlink lands.
		expect_rc 0 && [ -d "$w/d/inner/made" ] && [ -f "$w/d/inner/written" ] ||
			{ diag "in /d/inner: $(ls -A "$w/d/inner")"; return 1; }
	fi
}
t_swap_mid_host() { t_swap_midsetup "$1" host; }
t_swap_mid_inner() { t_swap_midsetup "$1" inner; }
mcase "a destination's directory swapped for a symlink mid-setup: nothing made on the host" t_swap_mid_host
mcase "same swap to a symlink inside the sandbox: the ops follow it (control)" t_swap_mid_inner

# ---- --chdir --------------------------------------------------------------------
t_chdir_hostonly() {
	as_mode_user "$1" sh -c "cd '$T/fix'" || { diag "control: cannot cd there outside"; return 1; }
	run_mode "$1" -- "${SB[@]}" --chdir "$T/fix" /bin/pwd
	expect_fail "Can't chdir to $T/fix: No such file or directory"
}
mcase "--chdir to a directory only the host has: refused (exists outside)" t_chdir_hostonly

t_chdir_dotdot() {
	[ -n "$(ls -A /../../etc)" ] || { diag "control: host /etc empty?"; return 1; }
	run_mode "$1" -- "${SB[@]}" --dir /etc --chdir /../../etc /bin/sh -c 'pwd -P; echo -; ls -A; echo -'
	expect_rc 0 && expect_out "$(printf '/etc\n-\n-')"
}
mcase "--chdir /../../etc: the sandbox's empty /etc, '..' stops at its root" t_chdir_dotdot

t_chdir_symlink() {
	run_mode "$1" -- "${SB[@]}" --symlink "../../../../oldroot$T/fix" /up --chdir /up /bin/pwd
	expect_fail "Can't chdir to /up: No such file or directory"
}
mcase "--chdir through a symlink to setup's /oldroot: refused" t_chdir_symlink

# ---- a read-only bind's submounts -------------------------------------------------
t_ro_submount() {
	local b=$T/fix/robase-$1
	[ "$MYUID" = 0 ] || { SKIP_REASON="needs root to mount the submount"; return 77; }
	mkdir -p "$b/sub"
	mountpoint -q "$b/sub" || mount -t tmpfs -o mode=1777 vbtest-sub "$b/sub" || return 1
	as_mode_user "$1" sh -c "echo x >'$b/sub/outside'" || { diag "control: not writable outside"; return 1; }
	run_mode "$1" -- "${PB[@]}" --bind "$b" /r /probe write:/r/sub/rw
	expect_res write:/r/sub/rw ok && [ -f "$b/sub/rw" ] || { diag "control: --bind"; return 1; }
	run_mode "$1" -- "${PB[@]}" --ro-bind "$b" /r /probe write:/r/sub/f mkdir:/r/sub/d write:/r/sub/outside
	expect_rc 0 && expect_all EROFS write:/r/sub/f mkdir:/r/sub/d write:/r/sub/outside &&
		[ ! -e "$b/sub/f" ] && [ "$(cat "$b/sub/outside")" = x ]
}
mcase "--ro-bind: its submount is read-only too (EROFS; writable outside and with --bind)" t_ro_submount

# ---- mount, BPF, modules ------------------------------------------------------------
# mount(2) after setup: without capabilities the kernel refuses; the
# controls hold CAP_SYS_ADMIN (root; a user namespace's with --cap-add).
t_mount_after() {
	local ctl=$1
	run_mode "$1" -- $(root_nocaps "$1") "${PB[@]}" --tmpfs /tmp /probe mount-tmpfs:/tmp
	expect_rc 0 && expect_res mount-tmpfs:/tmp EPERM || return 1
	if [ "$1" = setuid ]; then
		mode_available user || { SKIP_REASON="no control: --cap-add is refused in setuid mode"; return 77; }
		ctl=user
	else
		run_mode "$1" -- "${PB[@]}" --tmpfs /tmp --seccomp-policy default --cap-add CAP_SYS_ADMIN \
			/probe mount-tmpfs:/tmp
		expect_rc 0 && expect_res mount-tmpfs:/tmp EPERM || return 1
	fi
	run_mode "$ctl" -- "${PB[@]}" --tmpfs /tmp --cap-add CAP_SYS_ADMIN /probe mount-tmpfs:/tmp
	expect_res mount-tmpfs:/tmp ok
}
mcase "mount after setup: EPERM without CAP_SYS_ADMIN and with it under the default policy (ok with it)" t_mount_after

UNPRIV_BPF=$(cat /proc/sys/kernel/unprivileged_bpf_disabled 2>/dev/null || echo 0)
t_bpf() {
	run_mode "$1" -- "${PB[@]}" --seccomp-policy default /probe bpf-load
	expect_rc 0 && expect_res bpf-load EPERM || return 1
	run_mode "$1" -- "${PB[@]}" /probe bpf-load
	if [ "$1" != root ] && [ "$UNPRIV_BPF" != 0 ]; then
		# No unprivileged control can load here; the default policy's
		# @bpf line below shows bpf() reaching the kernel without it.
		expect_res bpf-load EPERM
	else
		expect_res bpf-load ok
	fi
}
mcase "BPF_PROG_LOAD of a socket filter: EPERM under the default policy (root loads it without)" t_bpf

# Implicit module loading: a netdev lookup by name (dev_load() asks
# modprobe only for a caller with CAP_NET_ADMIN or CAP_SYS_MODULE over the
# host, which no sandbox keeps but a root one) and socket families nobody
# registered (request_module("net-pf-N") for anyone).
modules_now() { cut -d' ' -f1 /proc/modules | sort; }
t_modules_netdev() {
	local before
	[ -r /proc/modules ] || { SKIP_REASON="no loadable modules in this kernel (/proc/modules missing)"; return 77; }
	before=$(modules_now)
	run_mode "$1" -- $(root_nocaps "$1") "${PB[@]}" --seccomp-policy default /probe netdev:vbprobe0 netdev:dummy
	expect_rc 0 && expect_res netdev:vbprobe0 ENODEV && expect_res netdev:dummy ENODEV || return 1
	[ "$(modules_now)" = "$before" ] || { diag "loaded: $(comm -13 <(echo "$before") <(modules_now))"; return 1; }
}
mcase "implicit module requests by netdev name: ENODEV, /proc/modules unchanged" t_modules_netdev

# Socket families nobody registered: the kernel asks modprobe for
# "net-pf-N" on anybody's socket().  The default policy refuses every
# family but unix, inet, inet6 and netlink before the kernel sees it
# (EAFNOSUPPORT, as flatpak does); the @rare-sockets probes below show the
# same calls reaching the kernel without the policy.
t_modules_family() {
	local before=
	[ -r /proc/modules ] && before=$(modules_now)
	run_mode "$1" -- "${PB[@]}" --seccomp-policy default /probe socket:21 socket:30 socket:36 socket:41
	expect_rc 0 && expect_res socket:21 EAFNOSUPPORT && expect_res socket:30 EAFNOSUPPORT &&
		expect_res socket:36 EAFNOSUPPORT && expect_res socket:41 EAFNOSUPPORT || return 1
	[ -r /proc/modules ] || { diag "no loadable modules in this kernel: only the errno is checked"; return 0; }
	[ "$(modules_now)" = "$before" ] || { diag "loaded: $(comm -13 <(echo "$before") <(modules_now))"; return 1; }
}
mcase "implicit module requests by socket family: EAFNOSUPPORT under the default policy, no module loaded" t_modules_family

# ---- everything the default policy names ---------------------------------------
# Each syscall with arguments that do nothing even as full root: the
# result says whether it reached the kernel.  Control: the same sandbox
# without the policy, in this mode or (where an unprivileged caller gets
# the kernel's own EPERM) in root mode.  --new-session: vhangup() then has
# no terminal; --unshare-uts: sethostname()'s length check comes first anyway.
POLICY_GROUPS=(
	"@mount:chroot fsconfig fsmount fsopen fspick mount mount_setattr move_mount open_tree pivot_root umount2"
	"@module:delete_module finit_module init_module"
	"@reboot:kexec_file_load kexec_load reboot"
	"@swap:swapon swapoff"
	"@raw-io:ioperm iopl"
	"@clock:adjtimex clock_adjtime clock_settime settimeofday"
	"@obsolete:_sysctl afs_syscall create_module get_kernel_syms getpmsg putpmsg query_module security tuxcall uselib ustat sysfs vserver"
	"@cpu-emulation:modify_ldt"
	"@keyring:add_key keyctl request_key"
	"@debug:kcmp lookup_dcookie perf_event_open pidfd_getfd process_vm_readv process_vm_writev ptrace"
	"@bpf:bpf"
	"userfaultfd:userfaultfd"
	"acct:acct"
	"quotactl:quotactl"
	"nfsservctl:nfsservctl"
	"open_by_handle_at:open_by_handle_at"
	"name_to_handle_at:name_to_handle_at"
	"lookup_dcookie:lookup_dcookie"
	"vhangup:vhangup"
	"syslog:syslog"
	"fanotify_init:fanotify_init"
	"setdomainname:setdomainname"
	"sethostname:sethostname"
	"@userns:unshare-user clone-newuser clone3-newuser i386-unshare-user x32-unshare-user"
	"@tiocsti:tiocsti tioclinux i386-tiocsti"
	"@rare-sockets:socket-vsock socket-packet socketpair-vsock"
	"@io-uring:io_uring_setup io_uring_enter io_uring_register"
)
POLICY_ARGS=(--new-session --unshare-uts "${PB[@]}")
declare -A ROOT_CTL=() CTL=() POL=()
sys_run() {
	local -n _into=$1
	local mode=$2
	shift 2
	run_mode "$mode" -- "${POLICY_ARGS[@]}" "$@" /probe sys:all
	_into=()
	while read -r k v; do _into[$k]=$v; done <<<"$out"
}
# The groups above are exactly the names the policy's deny lines give.
POLICY_HAVE=$("$T/bin/$PROG" --seccomp-policy-dump default |
	awk '$1 == "deny" { for (i = 2; i <= NF; i++) print $i }' | sed 's/:.*//' | sort)
POLICY_WANT=$(printf '%s\n' "${POLICY_GROUPS[@]}" | sed 's/:.*//' | sort)
is "$(echo $POLICY_HAVE)" "$(echo $POLICY_WANT)" "the probes below cover every name the default policy denies"
# The controls lift vb's default terminal filter (--allow-tiocsti).
if mode_available root; then sys_run ROOT_CTL root --allow-tiocsti; fi
policy_mode() {
	local mode=$1 g
	sys_run CTL "$mode" --allow-tiocsti
	sys_run POL "$mode" --seccomp-policy default
	for g in "${POLICY_GROUPS[@]}"; do
		eval "t_pol_$(echo "${g%%:*}" | tr -c 'a-z0-9_\n' _)() { policy_group \"\$1\" '$g'; }"
		mcase "default policy: ${g%%:*} refused" "t_pol_$(echo "${g%%:*}" | tr -c 'a-z0-9_\n' _)" "$mode"
	done
}
# policy_group MODE "GROUP:NAMES": every NAME fails with EPERM under the
# policy (clone3: ENOSYS, so that glibc falls back to clone) and reaches
# the kernel without it.
policy_group() {
	local mode=$1 names=${2#*:} n want c noabi= unproven=
	for n in $names; do
		c=${CTL[$n]:-missing}
		if [ "$c" = SEGV ]; then noabi+=" $n"; continue; fi
		want=EPERM
		[ "$n" = clone3-newuser ] && want=ENOSYS
		case $n in socket*-*) want=EAFNOSUPPORT ;; esac
		[ "${POL[$n]:-missing}" = "$want" ] || { diag "$n: ${POL[$n]:-missing} under the policy, want $want"; return 1; }
		if [ "$c" = "$want" ] && [[ $n == io_uring_* ]] && [ "$IO_URING_DISABLED" != 0 ]; then
			unproven+=" $n (kernel.io_uring_disabled=$IO_URING_DISABLED)"
		elif [ "$c" = "$want" ]; then
			# This mode's caller gets the kernel's own EPERM: root's
			# control must show the call going through.
			if [ -n "${ROOT_CTL[$n]:-}" ]; then
				[ "${ROOT_CTL[$n]}" != "$want" ] || { diag "$n: $want even for root without the policy: probe cannot tell"; return 1; }
			else
				unproven+=" $n"
			fi
		fi
	done
	[ -z "$noabi" ] || diag "no i386 syscalls here (int \$0x80 faults):$noabi"
	[ -z "$unproven" ] || diag "control for$unproven needs root mode, unavailable"
	[ -n "$noabi" ] && [ "$(echo $noabi)" = "$(echo $names)" ] && { SKIP_REASON="no such ABI on this kernel"; return 77; }
	return 0
}
for m in $MODES; do
	if mode_available "$m"; then
		policy_mode "$m"
	else
		skip "${MODE_SKIP[$m]}" "default policy probes [$m]"
	fi
done

done_testing
