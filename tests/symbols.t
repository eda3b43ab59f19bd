#!/bin/bash
# tests/symbols.t: the shared library exports exactly the functions
# lib/voidbox.h declares (and the version script names its version), no
# more: internal helpers stay hidden, every public function is reachable.
# SPDX-License-Identifier: LGPL-2.1-or-later
export LC_ALL=C
SRC=${VB_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
BLD=${VB_BUILDDIR:-$(dirname "${VB:-.}")}
echo "1..2"
so=$(ls "$BLD"/lib/.libs/libvoidbox.so.* 2>/dev/null | head -1)
if [ -z "$so" ] || ! command -v nm >/dev/null; then
	echo "ok 1 # SKIP no shared library or nm here"
	echo "ok 2 # SKIP no shared library or nm here"
	exit 0
fi
exported=$(nm -D --defined-only "$so" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort -u)
# Function declarations of the public header: a name followed by "(" at the
# start of a declaration (return type before it), not inside a comment.
declared=$(sed 's,/\*.*\*/,,g' "$SRC/lib/voidbox.h" |
	awk '/\/\*/ { c = 1 } !c { print } /\*\// { c = 0 }' |
	grep -v typedef | grep -oE '\bvb_[a-z0-9_]+ *\(' | tr -d ' (' | sort -u)
extra=$(comm -23 <(printf '%s\n' "$exported") <(printf '%s\n' "$declared"))
missing=$(comm -13 <(printf '%s\n' "$exported") <(printf '%s\n' "$declared"))
if [ -z "$extra" ]; then echo "ok 1 - nothing exported beyond voidbox.h"; else
	echo "not ok 1 - exported but not in voidbox.h"; printf '# %s\n' $extra; fi
if [ -z "$missing" ]; then echo "ok 2 - every function of voidbox.h is exported"; else
	echo "not ok 2 - declared in voidbox.h but not exported"; printf '# %s\n' $missing; fi
