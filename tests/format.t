#!/bin/bash
# tests/format.t: the C sources are formatted as .clang-format says (one
# formatter, checked on every run).  One TAP line per file, with the diff
# when it is off.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# No sandbox here, so no tests/lib.sh (its private /tmp would hide the
# sources under make distcheck).
export LC_ALL=C
SRC=${VB_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
_tn=0
ok() { _tn=$((_tn + 1)); echo "ok $_tn - $*"; }
not_ok() { _tn=$((_tn + 1)); echo "not ok $_tn - $*"; }
diag() { printf '%s\n' "$*" | sed 's/^/# /'; }

cd "$SRC" || { echo "Bail out! cannot enter $SRC"; exit 1; }
mapfile -t cfiles < <(find vb.c lib tests examples bench -name '*.[ch]' 2>/dev/null | sort)

if ! command -v clang-format >/dev/null; then
	echo "1..1"
	echo "ok 1 # SKIP clang-format is not installed (.ci/setup installs it)"
	exit 0
fi
echo "1..${#cfiles[@]}"
for f in "${cfiles[@]}"; do
	if d=$(clang-format --style=file "$f" | diff -u "$f" -); then
		ok "clang-format: $f"
	else
		not_ok "clang-format: $f (fix with: clang-format -i $f)"
		diag "$(printf '%s\n' "$d" | head -40)"
	fi
done
