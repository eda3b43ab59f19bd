#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined), each
# built against the library's sources and run for a bounded number of
# executions from its seed corpus in tests/fuzz-corpus/TARGET/:
#   argv     the command line and --args lists (tests/fuzz-argv.c)
#   profile  profile files (tests/fuzz-profile.c)
#   policy   seccomp policy files (tests/fuzz-policy.c)
#   netlink  the kernel's netlink replies (tests/fuzz-netlink.c)
# VB_FUZZ_RUNS=N sets the executions per target (default 20000, 8000 for
# policy, which compiles each accepted policy with libseccomp: each well
# under a minute on a loaded 2-core machine); VB_FUZZ_TARGETS="argv
# policy" picks targets; VB_FUZZ_KEEP=DIR keeps the built targets there.
# Without clang or its fuzzer runtime: SKIP, with the reason.
src=${VB_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${VB_BUILDDIR:-$PWD}
runs=${VB_FUZZ_RUNS:-20000}
runs_of() { if [ -z "${VB_FUZZ_RUNS:-}" ] && [ "$1" = policy ]; then echo 8000; else echo "$runs"; fi; }
targets=${VB_FUZZ_TARGETS:-argv profile policy netlink}
n=0
for t in $targets; do n=$((n + 1)); done
echo "1..$((n * 2 + 1))"

skip_all() {
	echo "ok 1 - build the library for fuzzing # SKIP $1"
	i=2
	for t in $targets; do
		echo "ok $i - build fuzz-$t # SKIP $1"
		echo "ok $((i + 1)) - fuzz-$t: $(runs_of "$t") runs # SKIP $1"
		i=$((i + 2))
	done
	exit 0
}

command -v clang >/dev/null 2>&1 || skip_all "clang not installed"
if [ -n "${VB_FUZZ_KEEP:-}" ]; then
	out=$VB_FUZZ_KEEP
	mkdir -p "$out"
else
	out=$(mktemp -d /tmp/vb-fuzz.XXXXXX)
	trap 'rm -rf "$out"' EXIT
fi
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' >"$out/probe.c"
clang -fsanitize=fuzzer "$out/probe.c" -o "$out/probe" 2>"$out/probe.log" ||
	skip_all "clang without the libFuzzer runtime (libclang-rt-dev): $(head -1 "$out/probe.log")"

# The library's sources as Makefile.am lists them (LIB_SOURCES), and the
# libraries it may use that this host has.
sources=()
for f in $(sed -n '/^LIB_SOURCES = /,/[^\\]$/p' "$src/Makefile.am" | tr -d '\\'); do
	case $f in *.c) sources+=("$src/$f") ;; esac
done
have=()
for p in libseccomp libcap libmnl libselinux jansson; do
	pkg-config --exists "$p" 2>/dev/null && have+=("$p")
done
# shellcheck disable=SC2207
cflags=(-g -O1 -fno-omit-frame-pointer $san -I"$src/lib" -I"$build" -include "$build/config.h"
	$(pkg-config --cflags "${have[@]}"))
# shellcheck disable=SC2207
libs=($(pkg-config --libs "${have[@]}") -ldl)

# The library once, instrumented for coverage.
mkdir -p "$out/obj"
ok=1
[ ${#sources[@]} -gt 10 ] || { ok=; echo "no LIB_SOURCES in $src/Makefile.am" >"$out/lib.log"; }
for f in "${sources[@]}"; do
	[ -n "$ok" ] || break
	o="$out/obj/$(echo "${f#"$src"/lib/}" | tr / -).o"
	if ! clang "${cflags[@]}" -fsanitize=fuzzer-no-link -c "$f" -o "$o" 2>>"$out/lib.log"; then
		ok=
		break
	fi
done
if [ -n "$ok" ]; then
	echo "ok 1 - build the library for fuzzing"
else
	echo "not ok 1 - build the library for fuzzing"
	sed 's/^/# /' "$out/lib.log" | tail -30
fi

i=2
fail=0
for t in $targets; do
	bin="$out/fuzz-$t"
	if [ -n "$ok" ] && clang "${cflags[@]}" -fsanitize=fuzzer -DVB_LIBFUZZER \
		"$src/tests/fuzz-$t.c" "$out"/obj/*.o "${libs[@]}" -o "$bin" 2>"$out/cc-$t.log"; then
		echo "ok $i - build fuzz-$t"
	else
		echo "not ok $i - build fuzz-$t"
		sed 's/^/# /' "$out/cc-$t.log" | tail -30
		echo "not ok $((i + 1)) - fuzz-$t: $(runs_of "$t") runs # not built"
		i=$((i + 2))
		fail=1
		continue
	fi
	# New inputs go to a scratch corpus; the seeds are only read.
	mkdir -p "$out/corpus-$t"
	seeds=()
	[ -d "$src/tests/fuzz-corpus/$t" ] && seeds=("$src/tests/fuzz-corpus/$t")
	# The command line's words: every option of vb.c's table, and the
	# arguments that reach the most code.
	dict=()
	if [ "$t" = argv ]; then
		{
			sed -n 's/^\t{ "\(--[a-z0-9=-]*\)".*/"\1\\x00"/p' "$src/vb.c"
			for w in / /usr /tmp /dev /proc -- bridge none pasta ns:/ default minimal \
				build network host-ro @base @file-system 64M 1.5 10s max \
				NOFILE=1024 CAP_SYS_ADMIN ALL 0 1 3; do
				printf '"%s\\x00"\n' "$w"
			done
		} >"$out/argv.dict"
		dict=(-dict="$out/argv.dict")
	fi
	if (cd "$out" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		"$bin" -runs="$(runs_of "$t")" -rss_limit_mb=2048 -timeout=60 -print_final_stats=1 "${dict[@]}" \
		"corpus-$t" "${seeds[@]}" >"$out/run-$t.log" 2>&1); then
		echo "ok $((i + 1)) - fuzz-$t: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$out/run-$t.log"), no crash, leak or UB"
	else
		echo "not ok $((i + 1)) - fuzz-$t: $(runs_of "$t") runs"
		grep -v '^#[0-9]' "$out/run-$t.log" | tail -40 | sed 's/^/# /'
		ls "$out"/crash-* "$out"/leak-* "$out"/timeout-* 2>/dev/null | sed 's/^/# input: /'
		fail=1
	fi
	i=$((i + 2))
done
exit $fail
