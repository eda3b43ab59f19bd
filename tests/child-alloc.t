#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The sandbox's child allocates nothing between clone and exec (the house
# style, and what the engine's comments promise): everything it needs is
# prepared by the parent.  vb runs with a preloaded malloc/calloc/realloc
# that ends any process but the one it was loaded into (vb's children
# before their exec: the sandbox's child, PID 1, helpers) with status 99
# and a message.  The command itself runs without the preload.
# Root and user modes: the loader ignores LD_PRELOAD for a setuid binary.
# Hermetic as tests/net.t: its own network and mount namespace (private
# /run) as root, so that --net bridge can be tried too.

if [ -z "${VB_NET_INNER:-}" ] && [ "$(id -u)" = 0 ]; then
	export VB_NET_INNER=1
	exec unshare --net --mount --propagation private -- bash "$0" "$@"
fi

. "${VB_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"

if [ -n "${VB_SAN_CFLAGS:-}" ]; then
	plan 1
	skip "the sanitizers' runtime owns malloc in this build" "no allocation in the child"
	exit 0
fi
CC=${CC:-cc}
if ! command -v "$CC" >/dev/null; then
	plan 1
	skip "no C compiler to build the preload with" "no allocation in the child"
	exit 0
fi
if [ -n "${VB_NET_INNER:-}" ]; then
	ip link set lo up
	mount -t tmpfs vbtest-run /run || bail "cannot mount a private /run"
fi

SHIM=$T/fix/nomalloc.so
cat >"$T/io/nomalloc.c" <<'EOF'
#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
static pid_t owner;
__attribute__((constructor)) static void init(void) { owner = getpid(); }
static void check(void)
{
	static const char msg[] = "vb-test: allocation in a child of vb before its exec\n";

	if (owner && getpid() != owner) {
		(void)!write(2, msg, sizeof(msg) - 1);
		_exit(99);
	}
}
void *malloc(size_t n) { check(); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { check(); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { check(); return __libc_realloc(p, n); }
EOF
"$CC" -shared -fPIC -O2 -o "$SHIM" "$T/io/nomalloc.c" || bail "cannot build the preload"
chmod 755 "$SHIM"

# Control: the preload does catch an allocation in a child.
t_control() {
	local rc_c
	LD_PRELOAD=$SHIM timeout 10 "$PY" -c 'import os, sys
pid = os.fork()
if pid == 0:
    x = [bytearray(100000) for _ in range(10)]
    os._exit(0)
_, st = os.waitpid(pid, 0)
sys.exit(os.WEXITSTATUS(st))' 2>/dev/null
	rc_c=$?
	[ "$rc_c" = 99 ] || { diag "the preload let a child allocate (status $rc_c)"; return 1; }
}
mcase "control: the preload ends a child that allocates" t_control root

t_noalloc() {
	local -a args
	eval "args=($ARGS)"
	mode_prefix "$1"
	LAST_CMD="[$1] $PROG ${args[*]}"
	# shellcheck disable=SC2016
	env LD_PRELOAD="$SHIM" timeout 30 "${MODE_CMD[@]}" --unsetenv LD_PRELOAD "${args[@]}" \
		</dev/null >"$T/io/out" 2>"$T/io/err" 3<"$T/io/data" 4<"$T/io/data" 5<"$T/io/data"
	rc=$?
	out=$(cat "$T/io/out")
	err=$(cat "$T/io/err")
	[ "$rc" != 124 ] || { diag "timed out after 30s"; return 1; }
	expect_rc 0 && expect_out ok
}
echo data >"$T/io/data"
chmod 644 "$T/io/data"
while IFS='|' read -r MODES_OF ARGS; do
	[ -n "$ARGS" ] || continue
	# shellcheck disable=SC2086
	mcase "no allocation in the child: ${ARGS}" t_noalloc $MODES_OF
done <<TABLE
root user|${SB[*]} --proc /proc --dev /dev --tmpfs /tmp --dir /tmp/d --symlink /x /tmp/l echo ok
root user|${SB[*]} --unshare-all --hostname alloc --new-session --die-with-parent echo ok
root user|${SB[*]} --unshare-pid --lock-file /usr/bin/true --chdir /usr echo ok
root user|${SB[*]} --bind-data 3 /d --ro-bind-data 4 /e --file 5 /f --setenv A b echo ok
root user|${SB[*]} --seccomp-policy default --landlock --cap-drop ALL echo ok
root user|${SB[*]} --tmpfs /tmp --overlay-src /usr --tmp-overlay /o --unshare-net echo ok
root|${SB[*]} --net bridge --no-nat --dns 192.0.2.53 --ro-bind-try /etc /etc echo ok
TABLE

done_testing
