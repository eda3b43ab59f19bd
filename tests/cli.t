#!/bin/bash
# The command line: every parse-time and post-parse refusal of bwrap, side
# by side with Debian's bwrap 0.8 (both run as "bwrap" from PATH, so the
# program name and argv[0] match) in each mode: same stderr, same exit
# status, nothing on stdout, nothing left behind.  What 0.8 lacks (overlays,
# --argv0, --level-prefix) is checked against the text of bwrap 0.11 that
# docs/bwrap-0.11-options.md records.
. "$(dirname "$0")/lib.sh"

REAL=${BWRAP:-/usr/bin/bwrap}
HAVE_REAL=
[ -x "$REAL" ] && "$REAL" --version 2>/dev/null | grep -q '^bubblewrap' && HAVE_REAL=1

mkdir -p "$T/real" "$T/realsuid" "$T/vbl" "$T/vblsuid"
chmod 755 "$T/real" "$T/realsuid" "$T/vbl" "$T/vblsuid"
ln -s "$VB_BIN" "$T/vbl/bwrap"
if [ -n "$HAVE_REAL" ]; then
	cp "$REAL" "$T/real/bwrap" && chmod 755 "$T/real/bwrap"
fi
if mode_available setuid; then
	ln -s "$VB_SUID" "$T/vblsuid/bwrap"
	if [ -n "$HAVE_REAL" ]; then
		cp "$REAL" "$T/realsuid/bwrap" && chown 0:0 "$T/realsuid/bwrap" &&
			chmod 4755 "$T/realsuid/bwrap"
	fi
fi

# bin_dir WHICH MODE: the directory whose "bwrap" is bwrap 0.8 (real) or
# the binary under test (vb), plain or setuid.
bin_dir() {
	case $1-$2 in
	real-setuid) echo "$T/realsuid" ;;
	real-*) echo "$T/real" ;;
	vb-setuid) echo "$T/vblsuid" ;;
	*) echo "$T/vbl" ;;
	esac
}

# pair_run WHICH MODE ARGS...: "bwrap ARGS" from bin_dir, as MODE's user;
# stdin from RUN_STDIN (default /dev/null).  Sets rc, out, err.
pair_run() {
	local dir mode=$2
	dir=$(bin_dir "$1" "$2")
	shift 2
	local -a pre=()
	[ "$mode" = root ] || pre=("${AS_USER[@]}")
	(cd "$T/w" && exec env PATH="$dir:$PATH" "${pre[@]}" bwrap "$@") \
		<"${RUN_STDIN:-/dev/null}" >"$T/io/out" 2>"$T/io/err"
	rc=$?
	out=$(cat "$T/io/out")
	err=$(cat "$T/io/err")
}

# same_as_bwrap MODE ARGS...: bwrap 0.8 and vb agree on status, stderr
# (FIRST_LINE=1: its first line only, for usage text) and stdout, and vb
# left nothing behind.
same_as_bwrap() {
	local mode=$1 r_rc r_out r_err bad=0
	shift
	[ -n "$HAVE_REAL" ] || { SKIP_REASON="no bubblewrap at $REAL to compare with"; return 77; }
	pair_run real "$mode" "$@"
	r_rc=$rc r_out=$out r_err=$err
	residue_snap
	pair_run vb "$mode" "$@"
	LAST_CMD="[$mode] bwrap $*"
	if [ -n "${FIRST_LINE:-}" ]; then
		r_err=$(printf '%s\n' "$r_err" | head -1)
		err=$(printf '%s\n' "$err" | head -1)
	fi
	[ "$rc" = "$r_rc" ] || { diag "status: bwrap $r_rc, vb $rc"; bad=1; }
	[ "$err" = "$r_err" ] || { diag "stderr: bwrap '$r_err'"; diag "        vb    '$err'"; bad=1; }
	[ "$out" = "$r_out" ] || { diag "stdout: bwrap '$r_out'"; diag "        vb    '$out'"; bad=1; }
	[ "$rc" != 0 ] || [ -n "${EXPECT_SUCCESS:-}" ] || { diag "expected a failure"; bad=1; }
	residue_check || bad=1
	return $bad
}

# expect_vb MODE MSG ARGS...: vb (as "bwrap") fails with "bwrap: MSG" on
# stderr alone, status 1, nothing on stdout, nothing left behind.
expect_vb() {
	local mode=$1 msg=$2
	shift 2
	residue_snap
	pair_run vb "$mode" "$@"
	LAST_CMD="[$mode] bwrap $*"
	PROG=bwrap expect_fail "$msg" && residue_check
}

# ---- every option's missing-argument message, and unknown options -------------
# (argument count as bwrap 0.8 has it; "x" fills all but the last argument)
OPTS0_8="--args:1 --chdir:1 --remount-ro:1 --bind:2 --bind-try:2 --ro-bind:2 --ro-bind-try:2
--dev-bind:2 --dev-bind-try:2 --bind-fd:2 --ro-bind-fd:2 --proc:1 --exec-label:1 --file-label:1
--dev:1 --tmpfs:1 --mqueue:1 --dir:1 --file:2 --bind-data:2 --ro-bind-data:2 --symlink:2
--lock-file:1 --sync-fd:1 --block-fd:1 --userns-block-fd:1 --info-fd:1 --json-status-fd:1
--seccomp:1 --add-seccomp-fd:1 --userns:1 --userns2:1 --pidns:1 --setenv:2 --unsetenv:1
--uid:1 --gid:1 --hostname:1 --cap-add:1 --cap-drop:1 --perms:1 --size:1 --chmod:2"
t_missing() {
	local -a a=("$OPT")
	local k
	for ((k = 1; k < NARGS; k++)); do a+=(5); done
	same_as_bwrap "$1" "${a[@]}"
}
for spec in $OPTS0_8; do
	OPT=${spec%:*} NARGS=${spec#*:}
	# The same in every mode: root only, the suite runs long enough.
	mcase "missing argument: $OPT" t_missing root
done

# ---- parse-time refusals -------------------------------------------------------
# MODES (empty: root; parsing does not depend on the mode, the rows that
# could are marked) | ARGS (shell words)
CASES=$(cat <<'TABLE'
root user setuid|--frobnicate true
|-x true
|- true
|--unshare-foo true
|--ro-bind / / --frobnicate true
root user setuid|--file x /f true
|--file -1 /f true
|--file '' /f true
|--file 3x /f true
|--bind-fd x /d true
|--ro-bind-data +1 /f true
|--userns abc true
|--userns -1 true
|--userns2 x true
|--pidns x true
|--sync-fd x true
|--block-fd 1.5 true
|--info-fd '' true
|--json-status-fd x true
|--seccomp x true
|--add-seccomp-fd x true
root user setuid|--add-seccomp-fd 99 true
|--args x true
|--args -1 true
root user setuid|--args 99 true
root user setuid|--uid abc true
|--uid -1 true
|--uid '' true
|--gid 5x true
root user setuid|--perms 0999 --dir /x true
|--perms abc --dir /x true
|--perms '' --dir /x true
|--perms -1 --dir /x true
|--perms 10000 --dir /x true
|--perms 0700 --perms 0700 --dir /x true
|--chmod 8 /x true
|--chmod 010000 /x true
|--chmod abc /x true
root user setuid|--perms 0700 --bind / / true
|--perms 0700 --ro-bind / / true
|--perms 0700 --symlink a /l true
|--perms 0700 --dev /dev true
|--perms 0700 --proc /proc true
|--perms 0700 --mqueue /mq true
|--perms 0700 --remount-ro / true
|--perms 0700 --chmod 0755 / true
|--perms 0700 --bind-fd 0 /d true
|--perms 0700 --lock-file /l true
root user setuid|--perms 0700 --new-session --dir /x true
|--perms 0700 --unshare-net --dir /x true
|--perms 0700 --setenv A b --dir /x true
|--perms 0700 --uid 0 --dir /x true
|--perms 0700 --cap-add BOGUS --dir /x true
|--perms 0700 --dir
root user|--size 100 --dir /x true
root user|--size 100 --perms 0700 --dir /x true
root user|--perms 0700 --size 100 --dir /x true
root user|--size 100 --size 100 --tmpfs /x true
root user|--size 0 --tmpfs /x true
root user|--size abc --tmpfs /x true
root user|--size -1 --tmpfs /x true
root user|--size +1 --tmpfs /x true
root user|--size ' 1' --tmpfs /x true
root user|--size 1k --tmpfs /x true
root user|--size 99999999999999999999999 --tmpfs /x true
root user|--size 9223372036854775808 --tmpfs /x true
root user|--size 100 --new-session true
setuid|--size 100 --tmpfs /x true
setuid|--perms 0700 --size 100 --tmpfs /x true
|--setenv '' x true
root user setuid|--setenv A=B x true
|--unsetenv '' true
|--unsetenv A=B true
root user setuid|--cap-add foo true
|--cap-add cap_bogus true
|--cap-drop FOO true
|--cap-add '' true
|--seccomp 0 --add-seccomp-fd 0 true
|--seccomp 98 --seccomp 99 true
TABLE
)
t_case() {
	local -a args
	eval "args=($ARGS)"
	same_as_bwrap "$1" "${args[@]}"
}
while IFS='|' read -r MODES_OF ARGS; do
	[ -n "$ARGS" ] || continue
	# shellcheck disable=SC2086
	mcase "parse: $ARGS" t_case ${MODES_OF:-root}
done <<<"$CASES"

# ---- post-parse checks, in bwrap's order ----------------------------------------
CASES=$(cat <<'TABLE'
|--uid 5 true
|--gid 5 true
|--hostname x true
|--hostname x --uid 5 true
|--as-pid-1 true
|--as-pid-1 --hostname x true
|--unshare-pid --as-pid-1 --lock-file /l true
|--userns-block-fd 5 true
|--unshare-user-try --userns-block-fd 5 --info-fd 6 true
|--unshare-all --userns-block-fd 5 --info-fd 6 true
|--unshare-user --userns-block-fd 5 true
|--unshare-all --unshare-user --userns-block-fd 5 true
|--disable-userns true
|--unshare-user-try --disable-userns true
|--unshare-user --disable-userns --userns-block-fd 5 --info-fd 6 true
|--userns-block-fd 5 --disable-userns true
|--userns 5 --unshare-user true
|--userns 5 --unshare-user-try true
|--userns 5 --unshare-all true
|--userns 5 --unshare-user --unshare-user-try true
|--userns 5 --unshare-all --unshare-user true
setuid|--userns 5 true
setuid|--userns2 5 true
setuid|--userns2 5 --uid 3 true
setuid|--cap-add CAP_CHOWN true
setuid|--cap-add ALL --userns-block-fd 5 true
setuid|--uid 0 true
setuid|--gid 0 true
root|--unshare-user-try --uid 5 --ro-bind / / id -u
root|--cap-add CAP_CHOWN --cap-drop ALL --ro-bind / / true
setuid|--cap-add CAP_CHOWN --cap-drop ALL --ro-bind / / true
setuid|--cap-add CAP_CHOWN --cap-drop CAP_CHOWN --ro-bind / / true
TABLE
)
t_post() {
	local -a args
	eval "args=($ARGS)"
	case $ARGS in *"--ro-bind / /"*) EXPECT_SUCCESS=1 ;; *) EXPECT_SUCCESS= ;; esac
	same_as_bwrap "$1" "${args[@]}"
}
while IFS='|' read -r MODES_OF ARGS; do
	[ -n "$ARGS" ] || continue
	# shellcheck disable=SC2086
	mcase "post-parse: $ARGS" t_post $MODES_OF
done <<<"$CASES"
EXPECT_SUCCESS=

# ---- no command: usage on stderr (after bwrap's early checks) ---------------------
t_usage() {
	local -a args
	eval "args=($ARGS)"
	FIRST_LINE=1 same_as_bwrap "$1" "${args[@]}"
	local r=$?
	[ $r = 0 ] || return $r
	[ "$(printf '%s\n' "$err" | head -1)" = "usage: bwrap [OPTIONS...] [--] COMMAND [ARGS...]" ] ||
		{ diag "usage line: $(printf '%s\n' "$err" | head -1)"; return 1; }
}
for ARGS in "" "--" "--new-session" "--new-session --" "--ro-bind / / --" "--perms 0700 --" \
	"--uid 5" "--hostname x"; do
	mcase "no command: '$ARGS'" t_usage root setuid
done
ARGS="--userns-block-fd 5"
mcase "no command, but an early check fails first: '$ARGS'" t_case
ARGS="--cap-add CAP_CHOWN"
mcase "no command, setuid --cap-add refused first" t_case setuid

# ---- warnings: a repeated option, the last one wins -------------------------------
t_warn() {
	local -a args
	eval "args=($ARGS)"
	EXPECT_SUCCESS=1 same_as_bwrap "$1" "${args[@]}"
}
for ARGS in "--chdir / --chdir /usr pwd" "--uid $TUID --uid $TUID true" \
	"--gid $TGID --gid $TGID true" "--unshare-uts --hostname a --hostname b hostname" \
	"--sync-fd 1 --sync-fd 1 true" "--block-fd 0 --block-fd 0 true"; do
	case $ARGS in
	--uid* | --gid*) m="user setuid" ;; # root: the real id is 0
	*) m= ;;
	esac
	ARGS="--ro-bind / / $ARGS"
	# shellcheck disable=SC2086
	mcase "warning: $ARGS" t_warn $m
done

# ---- --args: NUL-separated lists ----------------------------------------------------
# args_case DESC MODES DATA(printf format) ARGS...: the list on fd 0.
args_case() {
	local desc=$1 modes=$2 data=$3
	shift 3
	# shellcheck disable=SC2059
	printf -- "$data" >"$T/io/args.$_tn"
	ARGS_FILE=$T/io/args.$_tn ARGS_V=("$@")
	# shellcheck disable=SC2086
	mcase "--args: $desc" t_args ${modes:-root setuid}
}
t_args() {
	case " ${ARGS_V[*]} " in *" /bin/echo "* | *" --ro-bind / / "*) EXPECT_SUCCESS=1 ;; *) EXPECT_SUCCESS= ;; esac
	RUN_STDIN=$ARGS_FILE FIRST_LINE=1 same_as_bwrap "$1" "${ARGS_V[@]}"
}
args_case "options, then the command line goes on" "" '--ro-bind\0/\0/\0' --args 0 /bin/echo hi
args_case "a non-option ends the list, the rest is ignored" "" '--ro-bind\0/\0/\0true\0--frobnicate\0' --args 0 /bin/echo hi
args_case "'--' ends the list only" "" '--ro-bind\0/\0/\0--\0--frobnicate\0' --args 0 /bin/echo hi
args_case "an empty argument ends the list" "" '--ro-bind\0/\0/\0\0--frobnicate\0' --args 0 /bin/echo hi
args_case "last argument without its NUL" "" '--ro-bind\0/\0/' --args 0 /bin/echo hi
args_case "missing argument at the end of the list" "" '--bind\0/' --args 0 true
args_case "nested --args refused" "" '--args\0000\0' --args 0 true
args_case "unknown option in the list" "" '--frobnicate\0' --args 0 true
args_case "--perms left pending by the list" "" '--perms\0000700\0' --args 0 --dir /x true
args_case "--perms before, consumed in the list" "" '--dir\0/x\0' --ro-bind / / --perms 0700 --args 0 true
args_case "a list with no command, none after" "" '--ro-bind\0/\0/\0true\0' --args 0
args_case "empty list" "" '' --args 0 --ro-bind / / true

# The cap: 9000 arguments, counting argv (without argv[0]) and every list.
t_cap() {
	local n=$CAP_N
	local -a a=()
	for ((i = 0; i < n; i++)); do a+=(--new-session); done
	EXPECT_SUCCESS=$CAP_OK same_as_bwrap "$1" "${a[@]}" --ro-bind / / true
}
CAP_N=8996 CAP_OK=1 mcase "9000 arguments are fine" t_cap root
CAP_N=8997 CAP_OK= mcase "9001 arguments: Exceeded maximum number of arguments" t_cap root
t_cap_list() {
	local n=$CAP_N
	for ((i = 0; i < n; i++)); do printf -- '--new-session\0'; done >"$T/io/cap.args"
	RUN_STDIN=$T/io/cap.args EXPECT_SUCCESS=$CAP_OK same_as_bwrap "$1" --args 0 --ro-bind / / true
}
CAP_N=8994 CAP_OK=1 mcase "9000 arguments with an --args list are fine" t_cap_list root
CAP_N=8995 CAP_OK= mcase "9001 arguments with an --args list: refused" t_cap_list root

# ---- --help and --version ------------------------------------------------------------
t_help() {
	local mode=$1 dir
	dir=$(bin_dir vb "$mode")
	local -a pre=()
	[ "$mode" = root ] || pre=("${AS_USER[@]}")
	LAST_CMD="[$mode] ./bwrap --help (invoked as ./bwrap)"
	(cd "$dir" && exec "${pre[@]}" ./bwrap --help) >"$T/io/out" 2>"$T/io/err"
	rc=$? out=$(cat "$T/io/out") err=$(cat "$T/io/err")
	expect_rc 0 && expect_err "" || return 1
	[ "$(printf '%s\n' "$out" | head -1)" = "usage: ./bwrap [OPTIONS...] [--] COMMAND [ARGS...]" ] ||
		{ diag "first line: $(printf '%s\n' "$out" | head -1)"; return 1; }
	# Every line of bwrap 0.8's help is in ours (0.11 only adds options).
	if [ -n "$HAVE_REAL" ]; then
		"$REAL" --help | tail -n +3 | while IFS= read -r l; do
			printf '%s\n' "$out" | grep -qxF -- "$l" || { diag "missing help line: $l"; exit 1; }
		done || return 1
	fi
	local o
	for o in --argv0 --level-prefix --overlay-src --overlay --tmp-overlay --ro-overlay --profile; do
		expect_out_like "^    $o " || return 1
	done
}
mcase "--help: usage on stdout with argv[0] as invoked, 0.8's lines and 0.11's" t_help
t_unknown_then_help() { same_as_bwrap "$1" --frobnicate --help; }
mcase "an unknown option before --help fails" t_unknown_then_help
t_version() {
	vb_only || return 77
	pair_run vb "$1" --version
	expect_rc 0 && expect_err "" && expect_out_like '^voidbox [0-9]+\.[0-9]+\.[0-9]+$'
}
mcase "--version: voidbox X.Y.Z" t_version

# ---- bwrap 0.11 options (text from docs/bwrap-0.11-options.md) -------------------
# MODES | MESSAGE | ARGS
CASES=$(cat <<'TABLE'
root user|--overlay requires at least one --overlay-src|--overlay /a /b /c true
root user|--tmp-overlay requires at least one --overlay-src|--tmp-overlay /c true
root user|--ro-overlay requires at least two --overlay-src|--ro-overlay /c true
root user|--ro-overlay requires at least two --overlay-src|--overlay-src /usr --ro-overlay /c true
root user|--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay|--overlay-src /usr true
root user|--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay|--overlay-src /usr --
root user|--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay|--overlay-src /usr --new-session --tmp-overlay /c true
root user|--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay|--overlay-src /usr --dir /c true
root user|--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay|--overlay-src /usr --perms 0700 --tmp-overlay /c true
root user|--tmp-overlay requires at least one --overlay-src|--overlay-src /usr --tmp-overlay /c --tmp-overlay /d true
root user|--perms must be followed by an option that creates a file|--perms 0700 --overlay-src /usr --tmp-overlay /c true
|--overlay takes three arguments|--overlay /a /b
|--tmp-overlay takes an argument|--tmp-overlay
|--ro-overlay takes an argument|--ro-overlay
setuid|The --overlay-src option is not permitted in setuid mode|--overlay-src /usr --tmp-overlay /c true
setuid|The --overlay option is not permitted in setuid mode|--overlay /a /b /c true
setuid|The --tmp-overlay option is not permitted in setuid mode|--tmp-overlay /c true
setuid|The --ro-overlay option is not permitted in setuid mode|--ro-overlay /c true
|--argv0 takes one argument|--argv0
|--argv0 used multiple times|--argv0 a --argv0 b true
TABLE
)
t_011() {
	local -a args
	vb_only || return 77
	eval "args=($ARGS)"
	expect_vb "$1" "$MSG" "${args[@]}"
}
while IFS='|' read -r MODES_OF MSG ARGS; do
	[ -n "$ARGS" ] || continue
	# shellcheck disable=SC2086
	mcase "0.11: $ARGS" t_011 $MODES_OF
done <<<"$CASES"

t_level_prefix() {
	vb_only || return 77
	pair_run vb "$1" --level-prefix --ro-bind / / --chdir / --chdir / true
	expect_rc 0 && expect_err "<4>bwrap: Only the last --chdir option will take effect" || return 1
	pair_run vb "$1" --level-prefix --perms 0700 --bind / / true
	expect_rc 1 && expect_err "<3>bwrap: --perms must be followed by an option that creates a file"
}
mcase "--level-prefix: <4> warnings, <3> errors" t_level_prefix
# bwrap sets the prefix, then makes its end-of-option checks: the refusal
# already has its <3>.
t_level_prefix_pending() {
	vb_only || return 77
	pair_run vb "$1" --perms 0700 --level-prefix --dir /x true
	expect_rc 1 && expect_err "<3>bwrap: --perms must be followed by an option that creates a file"
}
mcase "--level-prefix is an option: a --perms before it is refused" t_level_prefix_pending

# ---- --profile (vb only) ----------------------------------------------------------------
t_profile_minimal() {
	vb_only || return 77
	pair_run vb "$1" --profile minimal -- sh -c 'echo ok; test -w /tmp && ! test -w /usr && test -e /dev/null && test -e /proc/self && echo fine'
	expect_rc 0 && expect_out "ok
fine"
}
mcase "--profile minimal runs a shell" t_profile_minimal
t_profile_file() {
	vb_only || return 77
	local f
	f=$(mkw prof)/p
	printf '# a comment\n--ro-bind\n/\n/\n\n--setenv\nFOO\nbar baz\n' >"$f"
	chmod 644 "$f"
	pair_run vb "$1" --profile "$f" sh -c 'echo "$FOO"'
	expect_rc 0 && expect_out "bar baz"
}
mcase "--profile FILE: one argument a line, # comments" t_profile_file
t_profile_unreadable() {
	vb_only || return 77
	local f
	f=$(mkw profu)/p
	printf -- '--ro-bind\n/\n/\n' >"$f"
	chown 0:0 "$f"; chmod 600 "$f"
	[ "$1" = root ] && { SKIP_REASON="root reads every file"; return 77; }
	expect_vb "$1" "Can't open profile $f: Permission denied" --profile "$f" true
}
mcase "--profile FILE is read with the caller's rights (setuid too)" t_profile_unreadable user setuid
t_profile_command() {
	vb_only || return 77
	local f
	f=$(mkw profc)/p
	printf -- '--ro-bind\n/\n/\ntrue\n' >"$f"; chmod 644 "$f"
	expect_vb "$1" "--profile $f: unexpected argument 'true' (only options belong in a profile)" --profile "$f" true
}
mcase "--profile FILE with a command in it is refused" t_profile_command root

t_profile_unknown() {
	vb_only || return 77
	expect_vb "$1" "Can't open profile bogus: No such file, nor a built-in profile (minimal, host-ro)" \
		--profile bogus true
}
mcase "--profile NAME that is neither a file nor built in: the message names the built-in ones" t_profile_unknown
t_profile_nested() {
	vb_only || return 77
	local d
	d=$(mkw profn)
	printf -- '--profile\nhost-ro\n--setenv\nINNER\nyes\n' >"$d/outer"
	printf -- '--profile\n%s/loop\n' "$d" >"$d/loop"
	chmod 644 "$d/outer" "$d/loop"
	pair_run vb "$1" --profile "$d/outer" sh -c 'echo "$INNER"; test -e /proc/self && echo proc'
	expect_rc 0 && expect_out "yes
proc" || return 1
	expect_vb "$1" "--profile $d/loop: profiles nest at most 8 deep (does one name itself?)" \
		--profile "$d/loop" true
}
mcase "--profile: a profile names another; one that names itself is refused" t_profile_nested

# ---- options that end the run (vb only) ---------------------------------------------
# They say what they accept (--check-host: --json, before or after it) and
# refuse what they would ignore.
t_ends_run() {
	vb_only || return 77
	pair_run vb "$1" --json --check-host
	{ [ "$rc" = 0 ] || [ "$rc" = 1 ]; } && [ -z "$err" ] &&
		printf '%s' "$out" | "$PY" -c 'import json,sys; json.load(sys.stdin)' ||
		{ diag "--json --check-host: status $rc, stderr '$err'"; return 1; }
	expect_vb "$1" "--check-host takes no command (got 'true')" --check-host true || return 1
	expect_vb "$1" "--check-host cannot be combined with --unshare-all" --check-host --unshare-all || return 1
	expect_vb "$1" "--json only applies to --check-host" --json --ro-bind / / true || return 1
	expect_vb "$1" "--seccomp-policy-dump takes no command (got 'true')" --seccomp-policy-dump minimal true || return 1
	expect_vb "$1" "--net-prune cannot be combined with --check-host" --check-host --net-prune
}
mcase "--check-host, --seccomp-policy-dump, --net-prune: what they accept, what they refuse" t_ends_run
t_help_json() {
	vb_only || return 77
	pair_run vb "$1" --help
	expect_rc 0 && expect_out_like '^    --json +With --check-host'
}
mcase "--help lists --json" t_help_json root

done_testing
