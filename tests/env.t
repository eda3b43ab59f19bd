#!/bin/bash
# Environment, working directory and argv[0] of the command.
. "$(dirname "$0")/lib.sh"

t_clearenv() {
	run_mode "$1" -- "${SB[@]}" --clearenv /usr/bin/env
	# bwrap sets PWD after its chdir, also after --clearenv.
	expect_ok "PWD=/"
}
mcase "--clearenv: the command gets an empty environment (but PWD)" t_clearenv

t_setenv() {
	run_mode "$1" -- "${SB[@]}" --clearenv --setenv A 1 --setenv B "two words" --setenv A 3 --setenv C x --unsetenv C /usr/bin/env
	expect_ok "$(printf 'A=3\nB=two words\nPWD=/')"
}
mcase "--setenv/--unsetenv apply in order after --clearenv" t_setenv

t_keepenv() {
	VBTEST_MARK=kept run_mode "$1" -- "${SB[@]}" --unsetenv HOME sh -c 'echo "$VBTEST_MARK ${HOME-unset}"'
	expect_ok "kept unset"
}
mcase "the caller's environment passes through; --unsetenv removes" t_keepenv

t_chdir() {
	run_mode "$1" -- "${SB[@]}" --chdir /usr/share sh -c 'pwd; echo $PWD'
	expect_ok "$(printf '/usr/share\n/usr/share')"
}
mcase "--chdir sets the working directory" t_chdir

t_chdir_missing() {
	run_mode "$1" -- "${SB[@]}" --chdir /nonexistent pwd
	expect_fail "Can't chdir to /nonexistent: No such file or directory"
}
mcase "--chdir to a missing directory fails" t_chdir_missing

t_cwd_kept() {
	local w; w=$(mkw cwd-$1)
	cd "$w" || return 1
	run_mode "$1" -- "${SB[@]}" --bind "$w" "$w" pwd
	cd / || return 1
	expect_ok "$w"
}
mcase "without --chdir the caller's directory is kept when it exists inside" t_cwd_kept

t_argv0() {
	vb_only || return 77
	run_mode "$1" -- "${SB[@]}" --proc /proc --argv0 renamed head -c 7 /proc/self/cmdline
	expect_ok renamed
}
mcase "--argv0 sets the command's argv[0] (0.11)" t_argv0

t_argv0_twice() {
	vb_only || return 77
	run_mode "$1" -- "${SB[@]}" --argv0 a --argv0 b true
	expect_fail "--argv0 used multiple times"
}
mcase "--argv0 twice is refused (0.11)" t_argv0_twice

t_args_fd() {
	printf -- '--setenv\0FROMARGS\0yes\0--chdir\0/usr\0' >"$T/fix/args"
	chmod 644 "$T/fix/args"
	run_mode "$1" -- "${SB[@]}" --args 5 sh -c 'echo $FROMARGS $PWD' 5<"$T/fix/args"
	expect_ok "yes /usr"
}
mcase "--args FD reads NUL-separated options" t_args_fd

done_testing
