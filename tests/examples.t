#!/bin/bash
# examples/: built the way a user of the installed library builds them (the
# one public header in an include directory of its own, flags from
# pkg-config, the shared library), then run: a sandbox that runs and waits,
# and a supervisor that follows events and stops its sandbox on a deadline.
SRC=${VB_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
BLD=${VB_BUILDDIR:-$(dirname "${VB:-.}")}
CC=${CC:-cc}

# As root, lib.sh hides /tmp (where a build tree may be) behind a fresh
# tmpfs: carry what the examples need across in an archive held open on fd 9.
if [ "$(id -u)" != 0 ] || [ -n "${VB_TEST_INNER:-}" ]; then
	_ar=$(mktemp) && exec 9<"$_ar"
	tar -cf "$_ar" --transform 's,^.*/,,' "$SRC/examples/run-and-wait.c" \
		"$SRC/examples/supervisor.c" "$SRC/lib/voidbox.h" "$BLD/lib/voidbox.pc" \
		"$BLD"/lib/.libs/libvoidbox.so* 2>/dev/null || exec 9<&-
	rm -f "$_ar"
fi
. "$(dirname "$0")/lib.sh"

vb_only || { plan 1; skip "$SKIP_REASON" "examples"; exit 0; }
STAGE=$T/stage
mkdir -p "$STAGE/include" "$STAGE/lib" "$STAGE/bin" "$STAGE/src"
if ! { [ -e /proc/self/fd/9 ] && tar -C "$STAGE/src" -xf - <&9; } 2>/dev/null ||
	! ls "$STAGE"/src/libvoidbox.so.* >/dev/null 2>&1 || ! command -v pkg-config >/dev/null; then
	plan 1
	skip "needs the shared library, lib/voidbox.pc and pkg-config" "examples"
	exit 0
fi
exec 9<&-
# An installed-style tree: $STAGE/include/voidbox.h, $STAGE/lib/libvoidbox.so*,
# and the build's voidbox.pc with its prefix pointed there.
mv "$STAGE/src/voidbox.h" "$STAGE/include/"
mv "$STAGE"/src/libvoidbox.so* "$STAGE/lib/"
chmod -R a+rX "$STAGE"
FLAGS=$(PKG_CONFIG_PATH="$STAGE/src" pkg-config --define-variable=prefix="$STAGE" --cflags --libs voidbox)

t_build() {
	local ex log
	for ex in run-and-wait supervisor; do
		# A library built with sanitizers needs their runtime linked
		# into the program too (the ASan+UBSan run of the suite).
		log=$("$CC" -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror ${VB_SAN_CFLAGS:-} "$STAGE/src/$ex.c" $FLAGS \
			-o "$STAGE/bin/$ex" 2>&1) || { diag "$ex: $log"; return 1; }
	done
	# Only the public header was reachable.
	[ "$(echo $FLAGS)" = "-I$STAGE/include -L$STAGE/lib -lvoidbox" ] || { diag "flags: $FLAGS"; return 1; }
	chmod 755 "$STAGE/bin/"*
}
if t_build; then ok "examples build against the staged header and pkg-config ($FLAGS)"; else
	not_ok "examples build against the staged header and pkg-config"; fi

# run MODE EXAMPLE ARGS...: as MODE's caller, with the staged library.
run_example() {
	local mode=$1; shift
	LAST_CMD="[$mode] $*"
	as_mode_user "$mode" env LD_LIBRARY_PATH="$STAGE/lib" "$STAGE/bin/$@" \
		</dev/null >"$T/io/out" 2>"$T/io/err"
	rc=$?
	out=$(cat "$T/io/out") err=$(cat "$T/io/err")
}

t_run_and_wait() {
	[ -x "$STAGE/bin/run-and-wait" ] || { SKIP_REASON="not built"; return 77; }
	residue_snap
	run_example "$1" run-and-wait sh -c 'hostname; echo pid $$; exit 3'
	expect_rc 3 && expect_err "" || return 1
	# The command is pid 2 beneath vb's PID 1, in a uts namespace of its own.
	expect_out_like '^pid 2$' || return 1
	expect_out_like '^sandbox pid [0-9]+, pidfd yes$' && expect_out_like '^exit_code 3 signal 0 status 3$' &&
		expect_out_like '^sandbox$' && residue_check
}
mcase "run-and-wait: runs, waits, the status comes back" t_run_and_wait root user

t_supervisor() {
	[ -x "$STAGE/bin/supervisor" ] || { SKIP_REASON="not built"; return 77; }
	residue_snap
	run_example "$1" supervisor 300 sleep 30
	expect_rc 0 && expect_err "" || return 1
	expect_out_like '^deadline: stopping the sandbox$' || return 1
	# The events came through the callback, in order, and the exit
	# record says the command died of the SIGTERM (through PID 1: 143).
	[ "$(printf '%s\n' "$out" | awk '$1 == "event" { printf "%s ", $2 }')" = \
		"runtime_init_warnings spawned setup_finished exited " ] || { diag "events out of order"; return 1; }
	expect_out_like '^event exited \{"v":1,"event":"exited",.*"status":143' &&
		expect_out_like '^exit_code 143 signal 0 status 143 reason 0 events 4$' && residue_check
}
mcase "supervisor: follows the events, stops the sandbox on its deadline" t_supervisor root user

done_testing
