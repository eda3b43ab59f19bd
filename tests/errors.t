#!/bin/bash
# Bad input: bwrap's one-line message prefixed with the program name, exit
# status 1, nothing on stdout, and nothing left behind (mounts, processes,
# files, fds).
. "$(dirname "$0")/lib.sh"

# ARGS (shell words, after the usual root) | expected message | modes
ERRORS=$(cat <<'TABLE'
--frobnicate true|Unknown option --frobnicate|
--bind /usr|--bind takes two arguments|
--tmpfs|--tmpfs takes an argument|
--symlink a|--symlink takes two arguments|
--setenv A|--setenv takes two arguments|
--chmod 0755|--chmod takes two arguments|
--perms 0999 --dir /x true|--perms takes an octal argument <= 07777|
--perms abc --dir /x true|--perms takes an octal argument <= 07777|
--chmod 999 /usr true|--chmod takes an octal argument <= 07777|
--perms 0700 --bind /usr /x true|--perms must be followed by an option that creates a file|
--size 10 --dir /x true|--size must be followed by --tmpfs|root user
--size 0 --tmpfs /x true|--size takes a non-zero number of bytes|root user
--size 10 --tmpfs /x true|The --size option is not permitted in setuid mode|setuid
--unshare-user --uid abc true|Invalid uid: abc|
--unshare-user --gid abc true|Invalid gid: abc|
--info-fd abc true|Invalid fd: abc|
--sync-fd abc true|Invalid fd: abc|
--cap-drop BOGUS true|unknown cap: BOGUS|root user
--hostname h true|Specifying --hostname requires --unshare-uts|
--as-pid-1 true|Specifying --as-pid-1 requires --unshare-pid|
--ro-bind /nonexistent /x true|Can't find source path /nonexistent: No such file or directory|
--dev-bind /nonexistent /x true|Can't find source path /nonexistent: No such file or directory|
--dir /usr/x true|Can't mkdir /usr/x: Read-only file system|
--tmpfs /usr/x true|Can't mkdir /usr/x: Read-only file system|
--symlink /a /usr true|Can't make symlink at /usr: destination exists and is not a symlink|
--file 99 /f true|Can't write data to file /f: Bad file descriptor|
--seccomp 99 true|Can't read seccomp data: Bad file descriptor|
--args 99 true|Can't read --args data: Bad file descriptor|
--chdir /nonexistent true|Can't chdir to /nonexistent: No such file or directory|
/nonexistent|execvp /nonexistent: No such file or directory|
TABLE
)

t_error() {
	local -a args
	eval "args=($ARGS)"
	residue_snap
	run_mode "$1" -- "${SB[@]}" "${args[@]}"
	expect_fail "$MSG" && residue_check
}
while IFS='|' read -r ARGS MSG MODES_OF; do
	[ -n "$ARGS" ] || continue
	# shellcheck disable=SC2086
	mcase "error: $ARGS" t_error $MODES_OF
done <<<"$ERRORS"

t_no_command() {
	residue_snap
	run_mode "$1" -- "${SB[@]}"
	expect_rc 1 && expect_out "" || return 1
	mode_prefix "$1"
	[ "$(printf '%s\n' "$err" | head -1)" = "usage: ${MODE_CMD[-1]} [OPTIONS...] [--] COMMAND [ARGS...]" ] ||
		{ diag "usage line: $(printf '%s\n' "$err" | head -1)"; return 1; }
	residue_check
}
mcase "no command: usage on stderr (argv[0] as invoked), status 1" t_no_command

t_help() {
	run_mode "$1" -- --help
	mode_prefix "$1"
	expect_rc 0 && expect_err "" &&
		[ "$(printf '%s\n' "$out" | head -1)" = "usage: ${MODE_CMD[-1]} [OPTIONS...] [--] COMMAND [ARGS...]" ] &&
		expect_out_like '^    --ro-bind SRC DEST ' && expect_out_like '^    --die-with-parent '
}
mcase "--help: usage on stdout, status 0" t_help

t_version() {
	vb_only || return 77
	run_mode "$1" -- --version
	expect_rc 0 && expect_err "" && expect_out_like '^voidbox [0-9]+\.[0-9]+\.[0-9]+$'
}
mcase "--version prints 'voidbox X.Y.Z' (vb-only)" t_version

t_warning() {
	run_mode "$1" -- "${SB[@]}" --chdir /nonexistent --chdir /usr pwd
	expect_rc 0 && expect_out /usr && expect_err "$PROG: Only the last --chdir option will take effect"
}
mcase "a repeated --chdir warns and goes on" t_warning

t_level_prefix() {
	vb_only || return 77
	run_mode "$1" -- --level-prefix "${SB[@]}" --chdir /nonexistent --chdir /usr pwd
	expect_rc 0 && expect_out /usr && expect_err "<4>$PROG: Only the last --chdir option will take effect" || return 1
	run_mode "$1" -- --level-prefix --frobnicate true
	expect_rc 1 && expect_err "<3>$PROG: Unknown option --frobnicate"
}
mcase "--level-prefix marks warnings <4> and errors <3> (0.11)" t_level_prefix

t_userns0() {
	vb_only || return 77
	[ "$1" = setuid ] && { SKIP_REASON="--userns is refused in setuid mode"; return 77; }
	# 0.11 honours fd 0: stdin is then the namespace to join.
	RUN_STDIN=/proc/self/ns/user run_mode "$1" -- "${SB[@]}" --userns 0 true
	[ "$rc" != 0 ] || return 0
	! printf '%s' "$err" | grep -q "Invalid fd" || { diag "fd 0 was refused"; return 1; }
}
mcase "--userns 0 is accepted (0.11)" t_userns0 root user

done_testing
