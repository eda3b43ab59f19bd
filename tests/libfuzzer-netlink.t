#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds tests/fuzz-netlink.c as a libFuzzer target (clang, ASan) and runs it
# for a few seconds against nl_parse() and nl_parse_acks().  Without clang:
# SKIP (the standalone driver, tests/fuzz-netlink, runs as a unit test either
# way).
src=${VB_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${VB_BUILDDIR:-$PWD}
secs=${VB_FUZZ_SECONDS:-5}
echo "1..2"
if ! command -v clang >/dev/null 2>&1; then
	echo "ok 1 - build libFuzzer target # SKIP clang not installed"
	echo "ok 2 - run libFuzzer target # SKIP clang not installed"
	exit 0
fi
out=$(mktemp -d /tmp/vb-fuzz.XXXXXX)
trap 'rm -rf "$out"' EXIT
# shellcheck disable=SC2046
if clang -g -O1 -fsanitize=fuzzer,address -DVB_LIBFUZZER -I"$src/lib" -I"$src/lib/net" -I"$build" \
	-include "$build/config.h" $(pkg-config --cflags libmnl) \
	"$src/tests/fuzz-netlink.c" "$src/lib/net/netlink.c" $(pkg-config --libs libmnl) \
	-o "$out/fuzz" 2>"$out/cc.log"; then
	echo "ok 1 - build libFuzzer target"
else
	if grep -q "fuzzer" "$out/cc.log"; then
		echo "ok 1 - build libFuzzer target # SKIP clang without libFuzzer"
		echo "ok 2 - run libFuzzer target # SKIP clang without libFuzzer"
		exit 0
	fi
	echo "not ok 1 - build libFuzzer target"; sed 's/^/# /' "$out/cc.log"
	echo "not ok 2 - run libFuzzer target"
	exit 1
fi
mkdir -p "$out/corpus"
if (cd "$out" && ./fuzz -max_total_time="$secs" -rss_limit_mb=1024 corpus >"$out/run.log" 2>&1); then
	echo "ok 2 - nl_parse, nl_parse_acks fuzzed for ${secs}s: $(grep -o 'Done [0-9]* runs' "$out/run.log")"
else
	echo "not ok 2 - nl_parse, nl_parse_acks fuzzed for ${secs}s"
	tail -40 "$out/run.log" | sed 's/^/# /'
	exit 1
fi
