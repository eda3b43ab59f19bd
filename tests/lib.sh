# tests/lib.sh: sourced (by bash) from every shell test, tests/*.t.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Gives a test:
#   TAP      plan N | done_testing, ok, not_ok, skip, check, is, like, diag
#   modes    root, user (an ordinary user the harness creates, "vbtest"), and
#            setuid (a root-owned u+s copy of $VB run as that user)
#   running  run_mode MODE [--] ARGS...  -> $rc, $out, $err ($T/io/out, $T/io/err)
#            mcase "desc" FN [MODES...]  -> one TAP line per mode: FN MODE
#                                           returns 0 pass, 77 skip ($SKIP_REASON)
#   residue  residue_snap / residue_check: caller's mountinfo, our descendants
#            (we are a child subreaper), our fds, and every file in the temp dirs
#
# VB is the binary under test (make check sets it; VB=/usr/bin/bwrap runs the
# suite against bubblewrap).  PROG is its basename: every message starts "$PROG: ".
#
# As root, the test re-executes itself once in a private mount namespace, as a
# child subreaper, with fresh tmpfs on /tmp, /var/tmp and /dev/shm: other work
# on the machine then cannot disturb the residue checks, and /tmp is known not
# to be nosuid (the setuid copy lives there).

export LC_ALL=C
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

if [ -z "${VB:-}" ]; then
	for _c in "${VB_BUILDDIR:-}/vb" "$(dirname "$0")/../vb" ./vb; do
		[ -x "$_c" ] && { VB=$(cd "$(dirname "$_c")" && pwd)/vb; break; }
	done
fi
if [ -z "${VB:-}" ] || [ ! -x "$VB" ]; then
	echo "Bail out! VB is not set to an executable (got '${VB:-}')"
	exit 1
fi
[ -n "${VB_FAULT:-}" ] || VB_FAULT=$(dirname "$VB")/tests/vb-fault
export VB VB_FAULT

if [ "$(id -u)" = 0 ] && [ -z "${VB_TEST_INNER:-}" ] && command -v unshare >/dev/null; then
	export VB_TEST_INNER=1
	# shellcheck disable=SC2016
	exec unshare --mount --propagation private -- "$PY" -c '
import ctypes, os, sys
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
os.execv("/bin/bash", ["bash"] + sys.argv[1:])' "$0" "$@"
fi

# ---- TAP -------------------------------------------------------------------
_tn=0
_tfail=0
_tskip=0
_tplan=
plan() { _tplan=$1; echo "1..$1"; }
diag() { printf '%s\n' "$*" | sed 's/^/# /'; }
ok() { _tn=$((_tn + 1)); echo "ok $_tn - $*"; }
not_ok() { _tn=$((_tn + 1)); _tfail=$((_tfail + 1)); echo "not ok $_tn - $*"; }
# skip REASON [DESC]
skip() {
	_tn=$((_tn + 1)); _tskip=$((_tskip + 1))
	echo "ok $_tn - ${2:-skipped} # SKIP $1"
}
# check DESC CMD...: passes when CMD succeeds
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
is() {
	if [ "$1" = "$2" ]; then ok "$3"; else
		not_ok "$3"; diag "got:      '$1'"; diag "expected: '$2'"; fi
}
like() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then ok "$3"; else
		not_ok "$3"; diag "got:      '$1'"; diag "expected match: /$2/"; fi
}
done_testing() { [ -n "$_tplan" ] || echo "1..$_tn"; _tplan=$_tn; }
bail() { echo "Bail out! $*"; exit 1; }

# ---- the scratch tree ----------------------------------------------------------
_vbt_cleanup() {
	local st=$?
	[ -n "${_tplan}" ] || done_testing
	diag "$(basename "$0"): $_tn tests, $_tfail failed, $_tskip skipped (VB=$VB)"
	if [ -n "${T:-}" ]; then
		# Fixture mounts a test made below $T.
		awk -v t="$T/" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
			while read -r m; do umount -l "$m"; done
		rm -rf "$T"
	fi
	exit $st
}
trap _vbt_cleanup EXIT

# Fixtures from the source and build trees, copied to $T/fix/NAME: the
# checkout may sit below /tmp, which the tmpfs below hides, or below a
# directory the test user cannot enter.
_fix_src=${VB_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
_fix_bld=${VB_BUILDDIR:-$(dirname "$VB")}
declare -A _fix_path=([pty-drive.py]="$_fix_src/tests/pty-drive.py" [vb-probe]="$_fix_bld/tests/vb-probe")
declare -A _fix_fd=()
if [ -n "${VB_TEST_INNER:-}" ] && [ "$(id -u)" = 0 ]; then
	PRIVATE_TMP=1
	# Keep the binaries readable across the tmpfs that hides /tmp.
	exec 7<"$VB"
	[ -x "$VB_FAULT" ] && exec 8<"$VB_FAULT"
	for _n in "${!_fix_path[@]}"; do
		[ -f "${_fix_path[$_n]}" ] && exec {_fd}<"${_fix_path[$_n]}" && _fix_fd[$_n]=$_fd
	done
	for _d in /tmp /var/tmp /dev/shm; do
		[ -d $_d ] || continue
		mount -t tmpfs -o mode=1777 vbtest-tmp $_d || bail "cannot mount tmpfs on $_d"
	done
else
	PRIVATE_TMP=
fi
T=$(mktemp -d /tmp/vbtest.XXXXXX) || bail "mktemp"
chmod 755 "$T"
mkdir -p "$T/io" "$T/bin" "$T/suid" "$T/fix" "$T/w"
chmod 755 "$T/bin" "$T/suid" "$T/fix"
chmod 1777 "$T/w"
PROG=$(basename "$VB")
if [ -n "$PRIVATE_TMP" ]; then
	cat <&7 >"$T/bin/$PROG"; exec 7<&-
	if [ -e /proc/self/fd/8 ]; then cat <&8 >"$T/bin/vb-fault"; exec 8<&-; fi
else
	cp "$VB" "$T/bin/$PROG"
	[ -x "$VB_FAULT" ] && cp "$VB_FAULT" "$T/bin/vb-fault"
fi
chmod 755 "$T/bin/"*
for _n in "${!_fix_path[@]}"; do
	if [ -n "${_fix_fd[$_n]:-}" ]; then
		cat <&"${_fix_fd[$_n]}" >"$T/fix/$_n"
		exec {_fix_fd[$_n]}<&-
	elif [ -f "${_fix_path[$_n]}" ]; then
		cp "${_fix_path[$_n]}" "$T/fix/$_n"
	else
		continue
	fi
	chmod 755 "$T/fix/$_n"
done

# IS_VB: the binary is voidbox (not bubblewrap): gates vb-only tests.
IS_VB=
"$T/bin/$PROG" --version 2>/dev/null | grep -q '^voidbox' && IS_VB=1
vb_only() { [ -n "$IS_VB" ] || { SKIP_REASON="vb-only (not in $("$T/bin/$PROG" --version 2>&1 | head -1))"; return 1; }; }

# ---- modes ---------------------------------------------------------------------
MODES="root user setuid"
# VB_TEST_MODES="user" (any of the three) runs only those modes; the others
# are reported as skipped.
VB_TEST_MODES=${VB_TEST_MODES:-$MODES}
TUSER=vbtest
MYUID=$(id -u)
declare -A MODE_SKIP=()

if [ "$MYUID" = 0 ]; then
	if ! id -u "$TUSER" >/dev/null 2>&1; then
		# Racing test files may both try: the loser's useradd fails, the id check decides.
		useradd -M -U -d / -s /bin/sh -c "voidbox tests" "$TUSER" >/dev/null 2>&1
	fi
	TUID=$(id -u "$TUSER" 2>/dev/null) || bail "cannot create test user $TUSER"
	TGID=$(id -g "$TUSER")
	[ "$TUID" -ge 1000 ] && [ "$TUID" != 65534 ] || bail "test user $TUSER has uid $TUID (want >= 1000, not 65534)"
	AS_USER=(setpriv --reuid="$TUID" --regid="$TGID" --clear-groups --)
else
	TUSER=$(id -un)
	TUID=$MYUID
	TGID=$(id -g)
	AS_USER=()
	MODE_SKIP[root]="not running as root"
	MODE_SKIP[setuid]="not running as root (cannot make a setuid copy)"
fi
export TUID TGID

if ! "${AS_USER[@]}" unshare -Ur true 2>/dev/null; then
	MODE_SKIP[user]="unprivileged user namespaces are not available to $TUSER"
fi

if [ "$MYUID" = 0 ]; then
	if grep -q '^NoNewPrivs:[[:space:]]*1' /proc/self/status; then
		MODE_SKIP[setuid]="no_new_privs is set: setuid bits are ignored"
	elif findmnt -no OPTIONS -T "$T" 2>/dev/null | tr , '\n' | grep -qx nosuid; then
		MODE_SKIP[setuid]="$T is on a nosuid mount"
	else
		cp /usr/bin/id "$T/suid/id-probe" && chmod 4755 "$T/suid/id-probe"
		if [ "$("${AS_USER[@]}" "$T/suid/id-probe" -u 2>/dev/null)" != 0 ]; then
			MODE_SKIP[setuid]="a setuid-root copy does not gain euid 0 here"
		fi
		rm -f "$T/suid/id-probe"
	fi
fi

# set_vb PATH: the binary run_mode runs from now on (copied into the scratch
# tree, plus a setuid-root copy for setuid mode).
set_vb() {
	local src=$1 name
	name=$(basename "$src")
	if [ ! -e "$T/bin/$name" ]; then
		cp "$src" "$T/bin/$name" && chmod 755 "$T/bin/$name" || bail "cannot copy $src"
	fi
	VB_BIN=$T/bin/$name
	VB_SUID=$T/suid/$name
	if [ -z "${MODE_SKIP[setuid]:-}" ] && [ ! -e "$VB_SUID" ]; then
		cp "$VB_BIN" "$VB_SUID" && chown 0:0 "$VB_SUID" && chmod 4755 "$VB_SUID" ||
			MODE_SKIP[setuid]="cannot make a setuid copy"
	fi
	PROG=$name
}
set_vb "$T/bin/$PROG"

mode_available() { [ -z "${MODE_SKIP[$1]:-}" ]; }

# uid_in MODE: the uid the command runs as inside a sandbox without --uid.
uid_in() { if [ "$1" = root ]; then echo 0; else echo "$TUID"; fi; }
gid_in() { if [ "$1" = root ]; then echo 0; else echo "$TGID"; fi; }

# ---- running -------------------------------------------------------------------
# mode_prefix MODE: sets MODE_CMD to the argv prefix that runs the binary
# under test in MODE.
mode_prefix() {
	case $1 in
	root) MODE_CMD=("$VB_BIN") ;;
	user) MODE_CMD=("${AS_USER[@]}" "$VB_BIN") ;;
	setuid) MODE_CMD=("${AS_USER[@]}" "$VB_SUID") ;;
	*) bail "unknown mode $1" ;;
	esac
}

# run_mode MODE [--] ARGS...: runs the binary under test in MODE with ARGS;
# stdin is /dev/null unless RUN_STDIN names a file.  Extra fds the caller
# opened (3>file, 4<file) are inherited.  Sets rc, out, err and LAST_CMD.
#
# Every run is bounded: VB_TEST_BOUND seconds (default 120), then SIGTERM to
# its process group and SIGKILL 5 s later.  A run that hits the bound sets
# TIMED_OUT; mcase then fails the case, naming what it waited for.
VB_TEST_BOUND=${VB_TEST_BOUND:-120}
TIMED_OUT=
# _bounded CMD...: CMD under the bound; sets TIMED_OUT when it was hit.
_bounded() {
	local t0=$SECONDS r
	timeout -k 5 "$VB_TEST_BOUND" "$@"
	r=$?
	if { [ $r = 124 ] || [ $r = 137 ]; } && [ $((SECONDS - t0)) -ge "$VB_TEST_BOUND" ]; then
		TIMED_OUT=${LAST_CMD:-$*}
		diag "TIMEOUT: no end after ${VB_TEST_BOUND}s of: $TIMED_OUT"
	fi
	return $r
}
run_mode() {
	local mode=$1; shift
	[ "${1:-}" = -- ] && shift
	mode_prefix "$mode"
	LAST_CMD="[$mode] $PROG $*"
	_bounded "${MODE_CMD[@]}" "$@" <"${RUN_STDIN:-/dev/null}" >"$T/io/out" 2>"$T/io/err"
	rc=$?
	out=$(cat "$T/io/out")
	err=$(cat "$T/io/err")
	return 0
}

# run_mode_tty MODE [--] ARGS...: like run_mode, with a pseudo-terminal as
# the controlling terminal and stdio (through script(1)); CRs are dropped.
run_mode_tty() {
	local mode=$1 q
	shift
	[ "${1:-}" = -- ] && shift
	mode_prefix "$mode"
	LAST_CMD="[$mode, tty] $PROG $*"
	# script(1) runs the command through $SHELL -c, and %q may produce
	# bash's $'...' quoting: pin the shell to bash (CI has no SHELL, and
	# dash would read $'...' literally).
	# --foreground: the command stays in the terminal's foreground group.
	q=$(printf '%q ' timeout --foreground -k 5 "$VB_TEST_BOUND" "${MODE_CMD[@]}" "$@")
	SHELL=$BASH script -qec "$q" /dev/null </dev/null >"$T/io/out" 2>"$T/io/err"
	rc=$?
	out=$(tr -d '\r' <"$T/io/out")
	err=$(cat "$T/io/err")
	return 0
}

# as_mode_user MODE CMD...: runs a plain command as the caller of MODE.
as_mode_user() {
	local mode=$1; shift
	if [ "$mode" = root ]; then "$@"; else "${AS_USER[@]}" "$@"; fi
}

show_run() {
	diag "command: $LAST_CMD"
	diag "status:  $rc"
	[ -n "$out" ] && diag "stdout:" && diag "$(printf '%s\n' "$out" | head -20)"
	[ -n "$err" ] && diag "stderr:" && diag "$(printf '%s\n' "$err" | head -20)"
	return 0
}

# Assertions for use inside an mcase function: print why, return 1.
expect_rc() { [ "$rc" = "$1" ] || { diag "expected status $1, got $rc"; return 1; }; }
expect_out() { [ "$out" = "$1" ] || { diag "expected stdout '$1'"; return 1; }; }
expect_out_like() { printf '%s\n' "$out" | grep -Eq -- "$1" || { diag "expected stdout to match /$1/"; return 1; }; }
expect_out_unlike() { ! printf '%s\n' "$out" | grep -Eq -- "$1" || { diag "expected stdout not to match /$1/"; return 1; }; }
expect_err() { [ "$err" = "$1" ] || { diag "expected stderr '$1'"; return 1; }; }
expect_err_like() { printf '%s\n' "$err" | grep -Eq -- "$1" || { diag "expected stderr to match /$1/"; return 1; }; }
# expect_ok [OUT]: status 0, empty stderr, and stdout OUT when given.
expect_ok() { expect_rc 0 && expect_err "" && { [ $# = 0 ] || expect_out "$1"; }; }
# expect_fail MSG: the one-line error "$PROG: MSG", status 1, nothing on stdout.
expect_fail() { expect_rc 1 && expect_err "$PROG: $1" && expect_out ""; }

# mcase DESC FN [MODES...]: runs FN MODE for each mode (default: all three).
# FN returns 0 (pass), 77 (skip, reason in SKIP_REASON) or anything else (fail).
# A case as a whole is bounded too (VB_TEST_CASE_BOUND seconds, default
# 900): whatever it waits on outside run_mode (a fifo, a background job), a
# watchdog ends the case's processes and mcase fails it by name.  The
# watchdog is a bash read with a timeout on a fifo, so it leaves no process
# behind when the case ends in time.
VB_TEST_CASE_BOUND=${VB_TEST_CASE_BOUND:-900}
# _kill_tree SIG PID EXCEPT: SIG to every descendant of PID but EXCEPT.
_kill_tree() {
	local p
	for p in $(ps -e -o pid=,ppid= | awk -v root="$2" -v skip="$3" '
		{ parent[$1] = $2 }
		END { for (p in parent) { q = p; while (q in parent && q != root && q != skip) q = parent[q]
			if (q == root && p != root && p != skip) print p } }'); do
		kill "-$1" "$p" 2>/dev/null
	done
}
# The watchdog is not a job of the test's shell (a bare `wait` in a case
# must not wait for it): started from a command substitution, it is an
# orphan that the shell (the subreaper) reaps.
_watchdog_body() {
	read -r -t "$VB_TEST_CASE_BOUND" _ <>"$T/io/watchdog" && exit 0
	echo "$1" >"$T/io/case-timed-out"
	_kill_tree TERM "$$" "$BASHPID"
	read -r -t 3 _ <>"$T/io/watchdog"
	_kill_tree KILL "$$" "$BASHPID"
}
_watchdog_start() {
	rm -f "$T/io/case-timed-out"
	[ -p "$T/io/watchdog" ] || mkfifo "$T/io/watchdog" "$T/io/watchdog-tick"
	_WATCHDOG=$(_watchdog_body "$1" </dev/null >/dev/null 2>&1 & echo $!)
}
_watchdog_stop() {
	local fd i
	# Read-write: opening a fifo only to write blocks while no one reads.
	exec {fd}<>"$T/io/watchdog"
	echo >&"$fd"
	for i in $(seq 100); do
		kill -0 "$_WATCHDOG" 2>/dev/null || break
		read -r -t 0.05 _ <>"$T/io/watchdog-tick" 2>/dev/null || :
	done
	exec {fd}>&-
}
mcase() {
	local desc=$1 fn=$2 m r
	shift 2
	for m in ${*:-$MODES}; do
		if [[ " $VB_TEST_MODES " != *" $m "* ]]; then
			skip "not selected (VB_TEST_MODES=$VB_TEST_MODES)" "$desc [$m]"
			continue
		fi
		if ! mode_available "$m"; then
			skip "${MODE_SKIP[$m]}" "$desc [$m]"
			continue
		fi
		SKIP_REASON=
		rc= out= err= LAST_CMD= TIMED_OUT=
		_watchdog_start "$desc [$m]"
		"$fn" "$m"
		r=$?
		_watchdog_stop
		if [ -s "$T/io/case-timed-out" ]; then
			not_ok "$desc [$m] (the case took over ${VB_TEST_CASE_BOUND}s; its processes were killed; last run: ${LAST_CMD:-none})"
			show_run
		elif [ -n "$TIMED_OUT" ]; then
			not_ok "$desc [$m] (timed out waiting for: $TIMED_OUT)"
			show_run
		elif [ $r = 0 ]; then
			ok "$desc [$m]"
		elif [ $r = 77 ]; then
			skip "${SKIP_REASON:-skipped}" "$desc [$m]"
		else
			not_ok "$desc [$m]"
			show_run
		fi
	done
}
# for_each_mode FN: FN MODE for every available mode (FN does its own TAP);
# an unavailable mode is reported as one skip.
for_each_mode() {
	local m
	for m in $MODES; do
		if [[ " $VB_TEST_MODES " != *" $m "* ]]; then
			skip "not selected (VB_TEST_MODES=$VB_TEST_MODES)" "$1 [$m]"
		elif mode_available "$m"; then "$1" "$m"; else skip "${MODE_SKIP[$m]}" "$1 [$m]"; fi
	done
}
# case_skip: use as "vb_only || case_skip" inside an mcase function.
case_skip() { return 77; }

# ---- residue -------------------------------------------------------------------
# Our live descendants: we are a child subreaper, so anything a run left
# behind ends up a child of this shell.  Pure builtins: no subshell appears.
_kids() {
	local p k v c
	for p in /proc/[0-9]*; do
		[ -r "$p/status" ] || continue
		while read -r k v; do
			if [ "$k" = PPid: ]; then
				if [ "$v" = "$$" ]; then
					c=
					read -r -d '' c <"$p/cmdline" 2>/dev/null
					printf 'pid %s %s\n' "${p#/proc/}" "$c"
				fi
				break
			fi
		done <"$p/status" 2>/dev/null
	done
}
_residue() {
	echo "== mountinfo"
	cat /proc/self/mountinfo
	echo "== processes"
	_kids
	echo "== fds"
	ls /proc/$$/fd
	echo "== files"
	local d dirs="/tmp /var/tmp /dev/shm"
	# Without our own /tmp others' work shows there: watch only our tree.
	[ -n "$PRIVATE_TMP" ] || dirs=$T
	for d in $dirs; do
		[ -d "$d" ] && find "$d" -xdev \( -path "$T/io" -o -path "$T/w" \) -prune -o -print 2>/dev/null
	done | sort
}
# residue_snap waits (briefly, bounded) for the state to hold still: a
# process of an earlier case still being reaped would be in the snapshot and
# gone from the check.
residue_snap() {
	local i
	_residue >"$T/io/residue.before"
	for i in 1 2 3 4 5 6 7 8 9 10; do
		_residue >"$T/io/residue.again"
		cmp -s "$T/io/residue.before" "$T/io/residue.again" && ! grep -q '^pid [0-9]* $' "$T/io/residue.again" && return 0
		mv "$T/io/residue.again" "$T/io/residue.before"
		sleep 0.2
	done
}
# kill_gone PID...: SIGKILL, then wait until each is gone from /proc (an
# orphan of ours is a zombie until this shell reaps it: a snapshot taken
# before that would list it, and the check after would miss it).
kill_gone() {
	local p i
	kill -KILL "$@" 2>/dev/null
	for p in "$@"; do
		for i in $(seq 200); do [ -e "/proc/$p" ] || break; sleep 0.05; done
		[ -e "/proc/$p" ] && { diag "kill_gone: pid $p still there after 10 s"; return 1; }
	done
	return 0
}
# residue_check: nothing changed since residue_snap (waits briefly for
# processes that are being torn down).
residue_check() {
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		_residue >"$T/io/residue.after"
		cmp -s "$T/io/residue.before" "$T/io/residue.after" && return 0
		sleep 0.2
	done
	diag "residue:"
	diag "$(diff "$T/io/residue.before" "$T/io/residue.after" | grep '^[<>]' | head -20)"
	return 1
}

# ---- fixtures ------------------------------------------------------------------
# The usual read-only /usr-based root for a command (Debian is merged-/usr).
SB=(--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib
	--symlink usr/lib64 /lib64 --symlink usr/sbin /sbin)
[ -d /usr/lib32 ] && SB+=(--symlink usr/lib32 /lib32)

# mkw NAME: a fresh directory under $T/w writable by the test user.
mkw() {
	local d=$T/w/$1
	rm -rf "$d"
	mkdir -p "$d"
	[ "$MYUID" = 0 ] && chown "$TUID:$TGID" "$d"
	chmod 755 "$d"
	echo "$d"
}
