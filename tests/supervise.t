#!/bin/bash
# Supervision, by its effects: signals reach the command and its status
# comes back, nothing of the sandbox survives, a memory hog is OOM-killed
# under --memory, a fork bomb stops at --pids-max, --cpus holds a busy loop
# near its share, --timeout ends with 124, --rlimit is what the command sees,
# and no cgroup is left after any run, failures included.
#
# cgroups: root mode uses a parent made for this test beneath our own
# cgroup; user and setuid modes get that parent delegated (chowned to the
# test user, as systemd's Delegate= does), the only way an ordinary user may
# create cgroups.  Without root there is no delegation: those cases skip.
. "$(dirname "$0")/lib.sh"

vb_only || { plan 1; skip "$SKIP_REASON" "supervision"; exit 0; }

# ---- a cgroup parent per mode ------------------------------------------------
# The hierarchies the sandbox may use: cgroup2, and the v1 ones with a
# controller vb limits.
# cg_mounts: "FSTYPE MOUNTPOINT SUPEROPTS" of each cgroup mount (the
# optional fields of mountinfo end at "-").
cg_mounts() {
	awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) ~ /^cgroup2?$/) print $(i + 1), $5, $(i + 3) }' /proc/self/mountinfo
}
# v1_mount CONTROLLER: the v1 hierarchy's mount point.
v1_mount() { cg_mounts | awk -v c="$1" '$1 == "cgroup" && $3 ~ "(^|,)" c "(,|$)" { print $2 }'; }
CG_MNTS=$(cg_mounts | awk '$1 == "cgroup2" || $3 ~ /(^|,)(memory|cpu|pids|blkio)(,|$)/ { print $2 }')
CG_SELF=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' /proc/self/cgroup)
[ -n "$CG_SELF" ] || CG_SELF=$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
[ "$CG_SELF" = / ] && CG_SELF=
CG_BASE=$CG_SELF/vbtest-supervise-$$
CG_DIRS=()
CG_TOPS=()
CG_SKIP=
if [ "$MYUID" != 0 ]; then
	CG_SKIP="not root: no cgroup can be delegated to the test user"
elif [ -z "$CG_MNTS" ]; then
	CG_SKIP="no cgroup hierarchy is mounted"
else
	for m in $CG_MNTS; do
		# The first directory mkdir -p creates: cleanup removes up to it.
		t=$CG_BASE
		while [ "$(dirname "$t")" != / ] && [ ! -d "$m$(dirname "$t")" ]; do t=$(dirname "$t"); done
		CG_TOPS+=("$m$t")
		for mode in root user; do
			d=$m$CG_BASE/$mode
			mkdir -p "$d" 2>/dev/null || { CG_SKIP="cannot create $d"; break 2; }
			CG_DIRS+=("$d")
			[ $mode = user ] && chown "$TUID:$TGID" "$d"
		done
	done
fi
cg_cleanup() {
	local m top d
	for m in $CG_MNTS; do
		rmdir "$m$CG_BASE/root" "$m$CG_BASE/user" 2>/dev/null
	done
	# Then each directory mkdir -p made, deepest first, while empty (a
	# concurrent run may share the upper ones).
	for top in "${CG_TOPS[@]}"; do
		for m in $CG_MNTS; do
			case $top in "$m"/*) d=$m$CG_BASE ;; *) continue ;; esac
			while rmdir "$d" 2>/dev/null && [ "$d" != "$top" ]; do d=$(dirname "$d"); done
		done
	done
	return 0
}
trap 'st=$?; cg_cleanup; (exit $st); _vbt_cleanup' EXIT

# cg_parent MODE: the --cgroup-parent for MODE (setuid runs as the user).
cg_parent() { if [ "$1" = root ]; then echo "$CG_BASE/root"; else echo "$CG_BASE/user"; fi; }
# need_cg: skip the case without delegation.
need_cg() { [ -z "$CG_SKIP" ] || { SKIP_REASON=$CG_SKIP; return 1; }; }
# cg_left: the sandbox cgroups present beneath the test's parents.
cg_left() {
	local d
	for d in "${CG_DIRS[@]}"; do
		find "$d" -mindepth 1 -type d 2>/dev/null
	done
}
# cg_check: nothing left beneath the parents (waits briefly for removal).
cg_check() {
	local i left
	for i in 1 2 3 4 5 6 7 8 9 10; do
		left=$(cg_left)
		[ -z "$left" ] && return 0
		sleep 0.2
	done
	diag "cgroups left: $left"
	return 1
}
like_one_line() {
	[ "$(printf '%s\n' "$1" | wc -l)" = 1 ] && printf '%s\n' "$1" | grep -Eq -- "$2" ||
		{ diag "expected one line matching /$2/"; return 1; }
}
# events FILE NAME: the lines of event NAME.
events() { grep "\"event\":\"$2\"" "$1"; }

SBP=("${SB[@]}" --proc /proc --dev /dev)

# ---- signals -----------------------------------------------------------------
# t_sigterm MODE [ARGS]: SIGTERM to vb reaches the command's trap; the
# trap's exit status is vb's.
sigterm_case() {
	local mode=$1 pid i; shift
	mode_prefix "$mode"
	LAST_CMD="[$mode] $PROG $*"
	# Emptied here, not by the redirection in the child: the loop below
	# would see the last case's "ready" and signal the shell before exec.
	rm -f "$T/io/ev"; : >"$T/io/out"
	"${MODE_CMD[@]}" "${SBP[@]}" "$@" --status-fd 3 sh -c \
		'trap "echo trapped; exit 7" TERM; echo ready; while :; do sleep 0.05; done' \
		</dev/null >"$T/io/out" 2>"$T/io/err" 3>"$T/io/ev" &
	pid=$!
	for i in $(seq 100); do grep -q ready "$T/io/out" && break; sleep 0.05; done
	kill -TERM $pid
	wait $pid
	rc=$?
	out=$(cat "$T/io/out") err=$(cat "$T/io/err")
	expect_rc 7 && expect_out "ready
trapped" && expect_err "" || return 1
	events "$T/io/ev" signal | grep -q '"signal":15' || { diag "no signal event"; return 1; }
	events "$T/io/ev" exited | grep -q '"exit_code":7' || { diag "exited: $(events "$T/io/ev" exited)"; return 1; }
}
t_sigterm() { residue_snap; sigterm_case "$1" && residue_check; }
t_sigterm_pid() { residue_snap; sigterm_case "$1" --unshare-pid && residue_check; }
mcase "SIGTERM to vb reaches the command's trap, its status comes back" t_sigterm
mcase "the same through vb's PID 1 (--unshare-pid)" t_sigterm_pid

# A command that leaves a TERM-proof child behind: the pid namespace takes
# it down with PID 1.
t_leftover_pidns() {
	residue_snap
	run_mode "$1" -- "${SBP[@]}" --unshare-pid sh -c '(trap "" TERM HUP; exec sleep 1000) & echo started'
	expect_ok started && residue_check
}
mcase "nothing the command left survives it (pid namespace)" t_leftover_pidns

# Without a pid namespace, the cgroup is what holds the leftovers.
t_leftover_cgroup() {
	need_cg || return 77
	residue_snap
	run_mode "$1" -- "${SBP[@]}" --cgroup-parent "$(cg_parent "$1")" --pids-max 100 \
		sh -c '(trap "" TERM HUP; exec sleep 1000) & echo started'
	expect_ok started && residue_check && cg_check
}
mcase "nothing the command left survives it (cgroup kill)" t_leftover_cgroup

# Neither a pid namespace nor a cgroup: vb is the subreaper of the command's
# tree and kills what it left, a plain background child, a TERM-proof one
# and a daemon that double-forked into a session of its own.  The command
# itself proves they ran (kill -0); the control runs the same line outside
# vb, where all three outlive it (so the check can see a survivor).
LEFT='sleep 1001 & echo $! >"$0/a"
(trap "" TERM HUP; exec sleep 1002) & echo $! >"$0/b"
setsid sh -c "sleep 1003 & echo \$! >$0/c" &
for i in 1 2 3 4 5 6 7 8 9 10; do [ -s "$0/c" ] && break; sleep 0.1; done
kill -0 $(cat "$0/a" "$0/b" "$0/c") && echo running'
alive_of() { local p n=0; for p in $(cat "$1"/a "$1"/b "$1"/c 2>/dev/null); do kill -0 "$p" 2>/dev/null && n=$((n + 1)); done; echo $n; }
t_leftover_tree() {
	local w c
	w=$(mkw left-$1) c=$(mkw left-ctl-$1)
	as_mode_user "$1" sh -c "$LEFT" "$c" >/dev/null
	[ "$(alive_of "$c")" = 3 ] || { diag "control: the leftovers did not outlive a plain sh"; return 1; }
	# shellcheck disable=SC2046
	kill_gone $(cat "$c"/a "$c"/b "$c"/c) || return 1
	residue_snap
	run_mode "$1" -- "${SBP[@]}" --bind "$w" /w sh -c "$LEFT" /w
	expect_ok running || return 1
	[ "$(alive_of "$w")" = 0 ] || { diag "$(alive_of "$w") leftovers survived vb"; return 1; }
	residue_check
}
mcase "nothing the command left survives it (no pid namespace, no cgroup)" t_leftover_tree

# ---- cgroup limits -----------------------------------------------------------
# The command reads its own cgroups and their limit files (v1 layout: one
# hierarchy per controller, mounted at the hierarchy's root).
cat >"$T/fix/limits.sh" <<'EOF'
for c in memory pids cpu blkio; do
	d=$(grep -E "^[0-9]+:([a-z]+,)*$c(,[a-z]+)*:" /proc/self/cgroup | cut -d: -f3)
	echo "$c $d"
	case $c in
	memory) cat "/sys/fs/cgroup/memory$d/memory.limit_in_bytes" ;;
	pids) cat "/sys/fs/cgroup/pids$d/pids.max" ;;
	cpu) cat "/sys/fs/cgroup/cpu$d/cpu.cfs_quota_us" ;;
	blkio) cat "/sys/fs/cgroup/blkio$d/blkio.weight" 2>/dev/null ||
		cat "/sys/fs/cgroup/blkio$d/blkio.bfq.weight" ;;
	esac
done
EOF
t_limits_seen() {
	need_cg || return 77
	grep -q '^[0-9]*:memory:' /proc/self/cgroup && [ -d /sys/fs/cgroup/memory ] ||
		{ SKIP_REASON="reads cgroup v1 files; memory is not a v1 hierarchy here"; return 77; }
	local p; p=$(cg_parent "$1")
	run_mode "$1" -- "${SBP[@]}" --ro-bind /sys/fs/cgroup /sys/fs/cgroup --ro-bind "$T/fix/limits.sh" /limits.sh \
		--cgroup-parent "$p" --memory 64M --pids-max 33 --cpus 0.5 --io-weight 100 sh /limits.sh
	expect_ok || return 1
	printf '%s\n' "$out" | "$PY" -c '
import re, sys
lines = sys.stdin.read().split("\n")
p = sys.argv[1]
# io.weight 100 is CFQ's 500 or BFQ's 100.
want = {"memory": ["67108864"], "pids": ["33"], "cpu": ["50000"], "blkio": ["500", "100"]}
ok = len(lines) == 9
for i in range(0, 8, 2):
    c, d = lines[i].split(" ", 1)
    ok = ok and re.fullmatch(re.escape(p) + r"/vb-[0-9]+-[0-9]+-[0-9]+", d) and lines[i + 1] in want[c]
sys.exit(0 if ok else 1)' "$p" || { diag "expected each controller's cgroup beneath $p with its limit"; return 1; }
	cg_check
}
mcase "--memory, --pids-max, --cpus, --io-weight: the command runs in cgroups with those limits" t_limits_seen

t_oom() {
	need_cg || return 77
	rm -f "$T/io/ev"
	run_mode "$1" -- "${SBP[@]}" --cgroup-parent "$(cg_parent "$1")" --memory 64M --memory-swap 0 \
		--status-fd 3 python3 -c '
a = []
while True:
    a.append(bytearray(1 << 20))' 3>"$T/io/ev"
	expect_rc 137 || return 1
	events "$T/io/ev" oom | grep -q '"oom_kills":[1-9]' || { diag "no oom event: $(cat "$T/io/ev")"; return 1; }
	events "$T/io/ev" exited | grep -q '"reason":"oom"' || { diag "exited: $(events "$T/io/ev" exited)"; return 1; }
	# The peak is the limit, not more.
	events "$T/io/ev" exited | grep -Eq '"peak_memory_bytes":(6[0-7][0-9]{6})[,}]' ||
		{ diag "peak: $(events "$T/io/ev" exited)"; return 1; }
	cg_check
}
mcase "a memory hog under --memory 64M: oom event, exited reason oom, status 137" t_oom

t_fork_bomb() {
	need_cg || return 77
	run_mode "$1" -- "${SBP[@]}" --cgroup-parent "$(cg_parent "$1")" --pids-max 10 python3 -c '
import os, time, errno
n = 0
try:
    while n < 200:
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
        n += 1
except OSError as e:
    print("stopped", n, errno.errorcode[e.errno])'
	expect_ok || return 1
	# python itself is one of the 10.
	[ "$out" = "stopped 9 EAGAIN" ] || { diag "got: $out"; return 1; }
	cg_check
}
mcase "a fork bomb stops at --pids-max 10 (EAGAIN), and nothing of it survives" t_fork_bomb

# --cpus: the busy loop's CPU time over its wall time, from the exited
# event, over two seconds.
t_cpus() {
	need_cg || return 77
	rm -f "$T/io/ev"
	run_mode "$1" -- "${SBP[@]}" --cgroup-parent "$(cg_parent "$1")" --cpus 0.5 --timeout 2 \
		--status-fd 3 sh -c 'while :; do :; done' 3>"$T/io/ev"
	expect_rc 124 || return 1
	local share
	share=$(events "$T/io/ev" exited | "$PY" -c '
import json, sys
e = json.loads(sys.stdin.read())
print("%.2f" % ((e["cpu_user_us"] + e["cpu_system_us"]) / e["wall_us"]))')
	diag "[$1] --cpus 0.5: busy loop used $share of a core"
	# The limit is the upper bound; a loaded machine (make -j, other
	# suites) may give the loop less, so the lower one only proves it ran.
	"$PY" -c "import sys; sys.exit(0 if 0.05 <= $share <= 0.65 else 1)" ||
		{ diag "share $share outside 0.05..0.65"; return 1; }
	cg_check
}
mcase "--cpus 0.5 holds a busy loop near half a core" t_cpus

# A limit the kernel refuses is an error naming the file and the cause
# (pids.max takes at most PID_MAX_LIMIT, 4194304), and nothing is left.
t_unappliable() {
	need_cg || return 77
	residue_snap
	run_mode "$1" -- "${SBP[@]}" --cgroup-parent "$(cg_parent "$1")" --pids-max 99999999 true
	expect_rc 1 && expect_out "" || return 1
	like_one_line "$err" "^$PROG: --pids-max: can't write \"99999999\" to /sys/fs/cgroup/.*/vb-[0-9]+-[0-9]+-[0-9]+/pids.max: Invalid argument\$" &&
		residue_check && cg_check
}
mcase "a limit the kernel refuses: one-line error naming the file, nothing left" t_unappliable

# Without delegation, an ordinary user gets a clear error and nothing else.
t_no_delegation() {
	[ "$1" != root ] || { SKIP_REASON="root may create cgroups anywhere"; return 77; }
	residue_snap
	run_mode "$1" -- "${SBP[@]}" --memory 64M true
	expect_rc 1 && expect_out "" || return 1
	like_one_line "$err" "^$PROG: Can't create cgroup /sys/fs/cgroup/.*/vb-[0-9]+-[0-9]+-0: Permission denied$" || return 1
	residue_check
}
mcase "--memory without a delegated cgroup: one-line error, nothing left" t_no_delegation user setuid

# No cgroup is left after a setup failure.
t_setup_failure() {
	need_cg || return 77
	residue_snap
	run_mode "$1" -- "${SBP[@]}" --cgroup-parent "$(cg_parent "$1")" --memory 64M --pids-max 50 \
		--ro-bind /nonexistent /x true
	expect_fail "Can't find source path /nonexistent: No such file or directory" || return 1
	run_mode "$1" -- "${SBP[@]}" --cgroup-parent "$(cg_parent "$1")" --memory 64M /nonexistent
	expect_fail "execvp /nonexistent: No such file or directory" || return 1
	residue_check && cg_check
}
mcase "no cgroup is left after a failed setup (mount, exec)" t_setup_failure

t_bad_values() {
	local a m
	while IFS='|' read -r a m; do
		# shellcheck disable=SC2086
		run_mode "$1" -- "${SB[@]}" $a true
		expect_fail "$m" || { diag "for: $a"; return 1; }
	done <<'EOF'
--memory 12X|--memory: invalid size '12X' (bytes, or with a K, M, G or T suffix)
--memory 100|--memory must be at least 4096 bytes
--cpus 0|--cpus must be between 0.01 and 1000000
--cpus half|--cpus: invalid number 'half'
--cpu-weight 0|--cpu-weight must be between 1 and 10000
--pids-max 0|--pids-max must be at least 1
--cgroup-parent relative|--cgroup-parent takes an absolute cgroup path (as in /proc/self/cgroup), got 'relative'
--rlimit FOO=1|--rlimit: invalid limit 'FOO=1' (NAME=SOFT[:HARD], e.g. NOFILE=1024:4096)
--rlimit NOFILE=10:5|--rlimit: soft limit above hard limit in 'NOFILE=10:5'
--rlimit NOFILE=99999999999999999999|--rlimit: value out of range in 'NOFILE=99999999999999999999'
--rlimit NOFILE=1:16777216T|--rlimit: value out of range in 'NOFILE=1:16777216T'
--timeout soon|--timeout: invalid duration 'soon' (e.g. 10, 1.5s, 500ms, 2m)
--timeout 0|--timeout must be more than 0 and at most 2147483647 seconds
--timeout-signal BOGUS|--timeout-signal: invalid signal 'BOGUS'
--timeout 24855.999999999d|--timeout must be more than 0 and at most 2147483647 seconds
--kill-after 24855.999999999d|--kill-after must be more than 0 and at most 2147483647 seconds
--timeout 106751992d|--timeout: duration '106751992d' out of range
--kill-after 99999999999999999999s|--kill-after: duration '99999999999999999999s' out of range
--cpus 1000000.001|--cpus must be between 0.01 and 1000000
--cpus 1e400|--cpus must be between 0.01 and 1000000
--cpus 1e-400|--cpus must be between 0.01 and 1000000
--cpus nan|--cpus must be between 0.01 and 1000000
--cpu-weight 10001|--cpu-weight: '10001' out of range (at most 10000)
--io-weight 99999999999999999999|--io-weight: '99999999999999999999' out of range (at most 10000)
--memory 16777216T|--memory: size '16777216T' out of range
--pids-max 18446744073709551616|--pids-max: size '18446744073709551616' out of range
EOF
}
mcase "bad supervision values: one-line errors" t_bad_values

# ---- timeouts ------------------------------------------------------------------
t_timeout() {
	residue_snap
	rm -f "$T/io/ev"
	run_mode "$1" -- "${SBP[@]}" --timeout 0.3 --status-fd 3 sh -c 'exec sleep 30' 3>"$T/io/ev"
	expect_rc 124 && expect_out "" && expect_err "" || return 1
	events "$T/io/ev" timeout | grep -q '"signal":15' || { diag "no timeout event"; return 1; }
	events "$T/io/ev" exited | grep -q '"reason":"timeout"' || return 1
	residue_check
}
mcase "--timeout fires: SIGTERM, status 124, reason timeout" t_timeout

t_timeout_signal() {
	residue_snap
	run_mode "$1" -- "${SBP[@]}" --unshare-pid --timeout 0.3 --timeout-signal USR1 sh -c \
		'trap "echo usr1; exit 3" USR1; while :; do sleep 0.05; done'
	expect_rc 124 && expect_out usr1 && residue_check
}
mcase "--timeout-signal USR1 reaches the command's trap" t_timeout_signal

t_kill_after() {
	residue_snap
	rm -f "$T/io/ev"
	run_mode "$1" -- "${SBP[@]}" --unshare-pid --timeout 0.3 --kill-after 0.3 --status-fd 3 sh -c \
		'trap "echo ignored" TERM; while :; do sleep 0.05; done' 3>"$T/io/ev"
	expect_rc 137 && expect_out ignored || return 1
	[ "$(events "$T/io/ev" timeout | wc -l)" = 2 ] && events "$T/io/ev" timeout | grep -q '"signal":9' ||
		{ diag "timeout events: $(events "$T/io/ev" timeout)"; return 1; }
	residue_check
}
mcase "--kill-after: a command that ignores the signal is killed (137)" t_kill_after

# ---- signals and --timeout during setup ------------------------------------------
# vb waits during setup on --block-fd, or on a --info-fd, --json-status-fd
# or --status-fd pipe nobody reads: a signal to vb ends it there all the
# same (128+N), and --timeout, counted from the start, holds (124); nothing
# is left, cgroups included.  Whenever the signal lands, that is the
# outcome, so the case does not depend on when it is sent.  holdfd.py
# full|block FD PIDFILE CMD...: runs CMD with FD a pipe already full (its
# read end kept open, never read) or a pipe's read end whose writer never
# writes, and writes CMD's pid to PIDFILE.
cat >"$T/holdfd.py" <<'PY'
import fcntl, os, signal, subprocess, sys
how, fd, pidfile, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
r, w = os.pipe()
# Out of FD's way: dup2 onto FD must not close the other end.
r, w = fcntl.fcntl(r, fcntl.F_DUPFD_CLOEXEC, 100), fcntl.fcntl(w, fcntl.F_DUPFD_CLOEXEC, 100)
if how == "full":
    fl = fcntl.fcntl(w, fcntl.F_GETFL)
    fcntl.fcntl(w, fcntl.F_SETFL, fl | os.O_NONBLOCK)
    try:
        while True:
            os.write(w, b"x" * 4096)
    except BlockingIOError:
        pass
    fcntl.fcntl(w, fcntl.F_SETFL, fl)
mine = w if how == "full" else r
if mine != fd:
    os.dup2(mine, fd)
    os.close(mine)
# A background job of a shell starts with SIGINT ignored: not the command.
signal.signal(signal.SIGINT, signal.SIG_DFL)
p = subprocess.Popen(cmd, pass_fds=[fd])
with open(pidfile, "w") as f:
    f.write("%d\n" % p.pid)
rc = p.wait()
sys.exit(rc if rc >= 0 else 128 - rc)
PY
chmod 755 "$T/holdfd.py"
# setup_wait_case MODE HOW SIG: HOW is block-fd, info-fd, json-status-fd or
# status-fd; SIG a signal name, or "timeout" for --timeout 1.
setup_wait_case() {
	local mode=$1 how=$2 sig=$3 pid i vbp extra=() want kind=full
	need_cg || return 77
	mode_prefix "$mode"
	residue_snap
	rm -f "$T/io/vbpid"
	[ "$sig" = timeout ] && extra=(--timeout 1)
	[ "$how" = block-fd ] && kind=block
	local args=("${SBP[@]}" --cgroup-parent "$(cg_parent "$mode")" --memory 64M --pids-max 50
		"${extra[@]}" "--$how" 5 true)
	LAST_CMD="[$mode] $PROG ${args[*]} ($sig)"
	timeout -s KILL 30 "$PY" "$T/holdfd.py" $kind 5 "$T/io/vbpid" "${MODE_CMD[@]}" "${args[@]}" \
		</dev/null >"$T/io/out" 2>"$T/io/err" &
	pid=$!
	for i in $(seq 200); do [ -s "$T/io/vbpid" ] && break; sleep 0.05; done
	vbp=$(cat "$T/io/vbpid")
	if [ "$sig" != timeout ]; then
		# As far as vb's child (setup under way), then the signal.
		for i in $(seq 200); do [ -n "$(pgrep -P "$vbp" 2>/dev/null)" ] && break; sleep 0.05; done
		kill -s "$sig" "$vbp"
		want=$((128 + $(kill -l "$sig")))
	else
		want=124
	fi
	wait $pid
	rc=$?
	out=$(cat "$T/io/out") err=$(cat "$T/io/err")
	[ "$rc" = 137 ] && diag "vb did not end: killed by the test's 30 s bound"
	expect_rc "$want" && residue_check && cg_check
}
for how in block-fd info-fd json-status-fd status-fd; do
	for sig in TERM timeout; do
		eval "t_setup_${how//-/_}_$sig() { setup_wait_case \"\$1\" $how $sig; }"
		mcase "vb waiting on --$how during setup: $sig ends it, nothing left" "t_setup_${how//-/_}_$sig"
	done
done
t_setup_hup() { setup_wait_case "$1" block-fd HUP; }
t_setup_int() { setup_wait_case "$1" status-fd INT; }
mcase "vb waiting on --block-fd during setup: HUP ends it (129), nothing left" t_setup_hup
mcase "vb waiting on a full --status-fd pipe: INT ends it (130), nothing left" t_setup_int

# ---- cgroups a killed vb left --------------------------------------------------
# A vb killed with SIGKILL cannot remove its cgroups; the next start beneath
# the same parent removes those whose vb is gone (dead, a zombie, or a
# recycled pid: the start time in the name differs), and only those: a live
# vb's, and directories not named by vb's scheme, stay.
start_of() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $20 }'; }
t_cg_sweep() {
	local m=$1 d dead zparent zpid i n stale=() keep=()
	need_cg || return 77
	sh -c 'exit 0' & dead=$!
	wait $dead
	"$PY" -c 'import os, time
if os.fork() == 0: os._exit(0)
time.sleep(60)' &
	zparent=$!
	for i in $(seq 200); do
		zpid=$(cat /proc/$zparent/task/$zparent/children 2>/dev/null | awk '{ print $1 }')
		[ -n "$zpid" ] && [ "$(awk '{ print $3 }' /proc/$zpid/stat 2>/dev/null)" = Z ] && break
		sleep 0.05
	done
	# The hierarchies this run uses: cgroup2, and v1's memory and pids.
	local used mnt
	used=" $(v1_mount memory) $(v1_mount pids) $(cg_mounts | awk '$1 == "cgroup2" { print $2 }') "
	for d in "${CG_DIRS[@]}"; do
		case $d in */"$(basename "$(cg_parent "$m")")") ;; *) continue ;; esac
		mnt=${d%"$CG_BASE"/*}
		[[ $used == *" $mnt "* ]] || continue
		stale+=("$d/vb-$dead-1-0" "$d/vb-$dead-7" "$d/vb-$dead-1-leaf"
			"$d/vb-$zpid-$(start_of "$zpid")-0" "$d/vb-$$-$(($(start_of $$) + 1))-0")
		keep+=("$d/vb-$$-$(start_of $$)-0" "$d/vbx-$dead-1-0" "$d/vb-$dead-1-x")
	done
	for d in "${stale[@]}" "${keep[@]}"; do
		mkdir "$d" || return 1
		[ "$m" = root ] || chown "$TUID:$TGID" "$d"
	done
	run_mode "$m" -- "${SBP[@]}" --cgroup-parent "$(cg_parent "$m")" --memory 64M --pids-max 50 true
	kill $zparent
	wait $zparent 2>/dev/null
	n=0
	for d in "${stale[@]}"; do [ -d "$d" ] && { diag "kept: $d"; n=1; rmdir "$d"; }; done
	for d in "${keep[@]}"; do [ -d "$d" ] || { diag "removed: $d"; n=1; }; rmdir "$d" 2>/dev/null; done
	expect_ok && [ $n = 0 ] && cg_check
}
mcase "the next start removes the cgroups of a vb that is gone, and only those" t_cg_sweep

# The real thing: vb killed with SIGKILL during setup (waiting on
# --block-fd, its cgroups made): its child goes with it (--die-with-parent),
# its cgroups stay (nothing could remove them), and the next start removes
# them.
t_cg_kill9() {
	local m=$1 pid vbp child i
	need_cg || return 77
	mode_prefix "$m"
	residue_snap
	rm -f "$T/io/vbpid"
	local args=("${SBP[@]}" --die-with-parent --cgroup-parent "$(cg_parent "$m")" --memory 64M
		--pids-max 50)
	LAST_CMD="[$m] $PROG ${args[*]} --block-fd 5 true (SIGKILL)"
	timeout -s KILL 30 "$PY" "$T/holdfd.py" block 5 "$T/io/vbpid" "${MODE_CMD[@]}" "${args[@]}" \
		--block-fd 5 true </dev/null >"$T/io/out" 2>"$T/io/err" &
	pid=$!
	for i in $(seq 200); do [ -s "$T/io/vbpid" ] && break; sleep 0.05; done
	vbp=$(cat "$T/io/vbpid")
	for i in $(seq 200); do child=$(pgrep -P "$vbp" 2>/dev/null) && [ -n "$child" ] && break; sleep 0.05; done
	[ -n "$(cg_left)" ] || { diag "no cgroup made before the kill"; kill -KILL "$vbp"; wait $pid; return 1; }
	kill -KILL "$vbp"
	wait $pid
	rc=$?
	# The child dies with vb (--die-with-parent).
	for i in $(seq 200); do [ -e "/proc/$child" ] || break; sleep 0.05; done
	[ -e "/proc/$child" ] && { diag "vb's child $child outlived it"; return 1; }
	[ -n "$(cg_left)" ] || { diag "control: the killed vb left no cgroup"; return 1; }
	run_mode "$m" -- "${SBP[@]}" --cgroup-parent "$(cg_parent "$m")" --memory 64M --pids-max 50 true
	expect_ok && cg_check && residue_check
}
mcase "vb killed with SIGKILL during setup: the next start removes its cgroups" t_cg_kill9

t_no_timeout() {
	run_mode "$1" -- "${SBP[@]}" --timeout 30 sh -c 'exit 9'
	expect_rc 9
}
mcase "a command that ends before --timeout keeps its status" t_no_timeout

# ---- rlimits -----------------------------------------------------------------------
t_rlimit() {
	run_mode "$1" -- "${SBP[@]}" --rlimit NOFILE=64:128 --rlimit core=0 --rlimit FSIZE=1M \
		sh -c 'ulimit -Sn; ulimit -Hn; ulimit -c; ulimit -f'
	expect_ok "64
128
0
2048" || return 1
	# The file size limit is the kernel's, not a number in a shell.
	local w; w=$(mkw rlimit-$1)
	run_mode "$1" -- "${SBP[@]}" --bind "$w" /w --rlimit FSIZE=4096 \
		sh -c 'trap "" XFSZ; head -c 10000 /dev/zero >/w/f; stat -c %s /w/f'
	expect_out 4096
}
mcase "--rlimit: the command runs with those limits" t_rlimit

t_rlimit_hard() {
	local hard
	hard=$(as_mode_user "$1" sh -c 'ulimit -Hn')
	[ "$hard" != unlimited ] || { SKIP_REASON="no hard NOFILE limit here"; return 77; }
	residue_snap
	run_mode "$1" -- "${SBP[@]}" --rlimit "NOFILE=$((hard + 1))" true
	# Root may, where it holds CAP_SYS_RESOURCE (a container may not).
	if [ "$1" = root ] && sh -c "ulimit -Hn $((hard + 1))" 2>/dev/null; then
		expect_ok
	else
		# A hard limit is never raised beyond the caller's, setuid or not.
		expect_fail "--rlimit NOFILE: setrlimit: Operation not permitted"
	fi && residue_check
}
mcase "--rlimit above the caller's hard limit: only with CAP_SYS_RESOURCE" t_rlimit_hard

# ---- faults --------------------------------------------------------------------
# Every supervision step of the fault-injection build fails in turn: the run
# ends with one line on stderr and status 1 without running the command (or,
# for the optional v2 directory, runs with one warning), the event stream
# still parses and says setup_failed, and no cgroup, process, mount or file
# is left.
t_faults() {
	need_cg || return 77
	[ -x "$T/bin/vb-fault" ] || { SKIP_REASON="no fault-injection build"; return 77; }
	local m=$1 d step name steps n=0 bad=0 save_bin=$VB_BIN save_suid=$VB_SUID save_prog=$PROG
	set_vb "$T/bin/vb-fault"
	d=$(mkw faults-$m); chmod 777 "$d"
	local args=("${SBP[@]}" --bind "$d" "$d" --cgroup-parent "$(cg_parent "$m")" --memory 64M
		--pids-max 50 --rlimit NOFILE=100 --timeout 30 --status-fd 3 sh -c "echo ran >$d/ran")
	rm -f "$d/log"
	VB_FAULT_LOG=$d/log run_mode "$m" -- "${args[@]}" 3>"$T/io/ev"
	steps=$(awk '$3 ~ /^(cg|sup)-/ { print $1 ":" $3 }' "$d/log" 2>/dev/null | sort -t: -k1,1n -u)
	if [ "$rc" != 0 ] || [ -z "$steps" ]; then
		diag "the unfaulted run failed or logged no supervision step"
		bad=1
	fi
	for step in $steps; do
		name=${step#*:} step=${step%%:*}
		n=$((n + 1))
		rm -f "$d/ran" "$T/io/ev"
		residue_snap
		VB_FAULT_STEP=$step run_mode "$m" -- "${args[@]}" 3>"$T/io/ev"
		if [ "$rc" = 0 ] && [ -e "$d/ran" ]; then
			# Only the v2 directory is optional: a warning, then the run.
			[[ $err == "$PROG: no cgroup v2 directory for the sandbox: "* ]] ||
				{ diag "step $step ($name) was ignored: $err"; bad=1; }
		else
			{ [ "$rc" = 1 ] && [ ! -e "$d/ran" ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] &&
				grep -q '"event":"setup_failed"' "$T/io/ev" &&
				tail -1 "$T/io/ev" | grep -q '"reason":"setup-failed"'; } ||
				{ diag "step $step ($name): status $rc, stderr: $err"; bad=1; }
		fi
		residue_check || { diag "step $step ($name) left residue"; bad=1; }
		cg_check || { diag "step $step ($name) left a cgroup"; bad=1; }
	done
	VB_BIN=$save_bin VB_SUID=$save_suid PROG=$save_prog
	diag "[$m] $n supervision fault steps: $(echo $steps | tr '\n' ' ')"
	[ $bad = 0 ] && [ $n -ge 4 ]
}
mcase "every supervision step that fails leaves nothing behind" t_faults

done_testing
