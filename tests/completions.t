#!/bin/bash
# tests/completions.t: the bash, zsh and fish completions of vb.
# bash's is sourced and driven through COMPREPLY (with and without the
# bash-completion framework); fish's through `complete -C`; zsh's is checked
# for syntax.  Each must offer every option `vb --help` lists.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# It does not source tests/lib.sh: it runs no sandbox, and lib.sh's private
# /tmp would hide the sources under make distcheck.  The TAP helpers it uses
# are these few.
export LC_ALL=C
_tn=0
plan() { echo "1..$1"; }
ok() { _tn=$((_tn + 1)); echo "ok $_tn - $*"; }
not_ok() { _tn=$((_tn + 1)); echo "not ok $_tn - $*"; }
diag() { printf '%s\n' "$*" | sed 's/^/# /'; }
bail() { echo "Bail out! $*"; exit 1; }
skip() { _tn=$((_tn + 1)); echo "ok $_tn # SKIP $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
# is DESC GOT EXPECTED
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1"; diag "got:      '$2'"; diag "expected: '$3'"; fi
}
SRC=${VB_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
VB=${VB:-$(dirname "$0")/../vb}
[ -x "$VB" ] || bail "VB is not set to an executable (got '$VB')"
BASHC=$SRC/completions/bash/vb
ZSHC=$SRC/completions/zsh/_vb
FISHC=$SRC/completions/fish/vb.fish

plan 39

# The options vb itself knows, from its help.
HELP_OPTS=$("$VB" --help | grep -oE '^ +--[a-z0-9-]+' | tr -d ' ' | sort -u)
[ "$(wc -l <<<"$HELP_OPTS")" -gt 80 ] || bail "vb --help lists too few options"

W=$(mktemp -d "${TMPDIR:-/tmp}/vbcomp.XXXXXX")
mkdir "$W/adir" "$W/adir2"
touch "$W/afile" "$W/adir/inner"
cd "$W" || bail "cannot cd to $W"

# comp LINE: the sorted COMPREPLY for the cursor at the end of LINE, in a
# fresh bash that sources the completion (FRAMEWORK=1: after bash-completion).
comp() {
	FRAMEWORK=${FRAMEWORK:-0} LINE=$1 BASHC=$BASHC bash -c '
		[ "$FRAMEWORK" = 1 ] && . /usr/share/bash-completion/bash_completion
		. "$BASHC"
		COMP_LINE=$LINE COMP_POINT=${#LINE}
		read -ra COMP_WORDS <<<"$LINE"
		[[ $LINE == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_vb vb "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' 2>/dev/null | sed '/^$/d' | sort
}
lines() { printf '%s\n' "$@" | sort; }

# vb oci's commands, from its help.
OCI_CMDS=$("$VB" oci --help | sed -n '/^commands:/,$p' | grep -oE '^    [a-z]+' | tr -d ' ' | sort -u)
[ "$(wc -l <<<"$OCI_CMDS")" -ge 12 ] || bail "vb oci --help lists too few commands"

check "bash completion parses" bash -n "$BASHC"
got=$(comp 'vb --' | grep -vx -- --)
is "bash: 'vb --' offers exactly the options of vb --help" "$got" "$HELP_OPTS"
is "bash: option prefix" "$(comp 'vb --ro-bind')" "$(lines --ro-bind --ro-bind-data --ro-bind-fd --ro-bind-try)"
is "bash: --bind SRC completes paths" "$(comp 'vb --bind a')" "$(lines adir adir2 afile)"
is "bash: --bind SRC DEST completes paths" "$(comp 'vb --bind afile adir/')" "$(lines adir/inner)"
is "bash: --chdir completes directories only" "$(comp 'vb --chdir a')" "$(lines adir adir2)"
is "bash: --profile offers built-ins and files" "$(comp 'vb --profile ')" \
	"$(lines adir adir2 afile host-ro minimal)"
is "bash: fd argument completes nothing" "$(comp 'vb --json-status-fd ')" ""
is "bash: --bind-data FD completes nothing, then DEST a path" \
	"$(comp 'vb --bind-data '; echo /; comp 'vb --bind-data 3 af')" "$(printf '/\nafile')"
is "bash: options resume after an option's arguments" \
	"$(comp 'vb --overlay a b c --tmp')" "--tmp-overlay
--tmpfs"
is "bash: a command after the options is not given vb's options" \
	"$(comp 'vb --bind a b ls --bind' | grep -c -- '^--bind$')" 0
is "bash: the command word completes commands" \
	"$(comp 'vb --unshare-net --bind / / bas' | grep -x bash | sort -u)" bash
is "bash: 'vb oci ' offers exactly the commands of vb oci --help" "$(comp 'vb oci ')" "$OCI_CMDS"
is "bash: 'vb oci create --' offers create's options" "$(comp 'vb oci --root /x create --')" \
	"$(lines --bundle --console-socket --no-new-keyring --no-pivot --pid-file --preserve-fds)"
is "bash: 'vb oci kill ID ' offers signals" "$(comp 'vb oci kill c1 K')" "KILL"
is "bash (bash-completion loaded): --bind DEST completes paths" \
	"$(FRAMEWORK=1 comp 'vb --ro-bind / adir/')" "adir/inner"
is "bash (bash-completion loaded): --cap-add completes capabilities" \
	"$(FRAMEWORK=1 comp 'vb --cap-add CAP_NET_A')" "CAP_NET_ADMIN"
is "bash: sourcing binds vb to _vb" "$(bash -c '. "$1"; complete -p vb' bash "$BASHC")" "complete -F _vb vb"
# The values of the seccomp options, as zsh and fish offer them.
is "bash: --seccomp-default-action offers the actions" \
	"$(comp 'vb --seccomp-default-action ')" "$(lines allow enosys eperm kill log)"
is "bash (bash-completion loaded): --seccomp-default-action e" \
	"$(FRAMEWORK=1 comp 'vb --seccomp-default-action e')" "$(lines enosys eperm)"
is "bash: --seccomp-policy offers the built-in policies and files" \
	"$(comp 'vb --seccomp-policy ')" "$(lines adir adir2 afile build default minimal network)"
is "bash: --seccomp-policy-dump offers the built-in policies" \
	"$(comp 'vb --seccomp-policy-dump ')" "$(lines build default minimal network)"

if command -v zsh >/dev/null; then
	check "zsh completion parses (zsh -n)" zsh -n "$ZSHC"
	zopts=$(grep -oE "^  '(\([^)]*\))?\*?--[a-z0-9-]+" "$ZSHC" | grep -oE -- '--[a-z0-9-]+' | sort -u)
	is "zsh completion names every option of vb --help" "$zopts" "$HELP_OPTS"
	zcmds=$(sed -n '/^_vb_oci()/,/^}/p' "$ZSHC" | grep -oE "^      '[a-z]+:" | tr -d " ':" | sort -u)
	is "zsh completion names every command of vb oci --help" "$zcmds" "$OCI_CMDS"
	is "zsh: compinit binds vb to _vb" "$(cd "$W" && HOME=$W zsh -fc 'fpath=("$1" $fpath)
		autoload -U compinit; compinit -D -u; print -r -- $_comps[vb]' zsh "$(dirname "$ZSHC")" 2>&1)" _vb
	# zc LINE: what an interactive zsh shows after LINE<TAB>, driven
	# through zpty, escape sequences stripped.  Only -n catches what fails
	# at completion time, as a {...} action in an _arguments spec did.
	ZW=$(mktemp -d "${TMPDIR:-/tmp}/vbcompz.XXXXXX") # not in $W: it would be listed
	cat >"$ZW/zc.zsh" <<'ZEOF'
zmodload zsh/zpty
zpty z "zsh -f -i"
zpty -w z "PS1='PROMPT> '; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D; cd $2; echo READY"
zpty -r z out '*READY*PROMPT> ' || exit 1
zpty -w -n z "$3"$'\t'
out=
for i in 1 2 3 4 5 6; do sleep 0.3; while zpty -r -t z more 2>/dev/null; do out+=$more; done; done
print -r -- "${out//$'\r'/}"
zpty -d z
ZEOF
	zc() { HOME=$W timeout 30 zsh -f "$ZW/zc.zsh" "$(dirname "$ZSHC")" "$W" "$1" 2>&1 |
		sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' | tr -d '\b'; }
	got=$(zc 'vb --profile ')
	if grep -q 'unmatched\|not found' <<<"$got"; then
		not_ok "zsh: --profile offers built-ins and files"; diag "$got"
	else
		is "zsh: --profile offers built-ins and files" \
			"$(grep -oE 'minimal|host-ro|afile|adir2' <<<"$got" | sort -u)" "$(lines adir2 afile host-ro minimal)"
	fi
	is "zsh: --bind SRC DEST completes paths" "$(zc 'vb --bind afile adir/i' | grep -c 'adir/inner')" 1
	is "zsh: fd argument completes nothing" "$(zc 'vb --info-fd af' | grep -c afile)" 0
	is "zsh: --seccomp-policy offers the built-in policies and files" \
		"$(zc 'vb --seccomp-policy ' | grep -oE '\<(default|minimal|build|network|afile|adir2)' | sort -u)" \
		"$(lines adir2 afile build default minimal network)"
	is "zsh: --seccomp-default-action offers the actions" \
		"$(zc 'vb --seccomp-default-action ' | grep -oE '\<(enosys|eperm|kill|log|allow)' | sort -u)" \
		"$(lines allow enosys eperm kill log)"
	rm -rf "$ZW"
else
	for i in 1 2 3 4 5 6 7 8 9; do skip "zsh is not installed (apt-get install zsh)"; done
fi

if command -v fish >/dev/null; then
	fc() { HOME=$W fish --no-config -c "source '$FISHC'; complete -C '$1'" 2>/dev/null | cut -f1 | sort; }
	check "fish completion parses (fish -n)" fish -n "$FISHC"
	is "fish: 'vb --' offers exactly the options of vb --help" "$(fc 'vb --' | grep -vx -- --)" "$HELP_OPTS"
	is "fish: --bind SRC DEST completes paths" "$(fc 'vb --bind afile a')" "$(lines adir/ adir2/ afile)"
	is "fish: fd argument completes nothing" "$(fc 'vb --info-fd ')" ""
	is "fish: 'vb oci ' offers every command of vb oci --help" \
		"$(fc 'vb oci ' | grep -xE "$(tr '\n' '|' <<<"$OCI_CMDS" | sed 's/|$//')" | sort -u)" "$OCI_CMDS"
	is "fish: --profile offers built-ins and files" "$(fc 'vb --profile ')" \
		"$(lines adir/ adir2/ afile host-ro minimal)"
	is "fish: --seccomp-policy offers the built-in policies and files" "$(fc 'vb --seccomp-policy ')" \
		"$(lines adir/ adir2/ afile build default minimal network)"
	is "fish: --seccomp-default-action offers the actions" "$(fc 'vb --seccomp-default-action ')" \
		"$(lines allow enosys eperm kill log)"
else
	for _ in 1 2 3 4 5 6 7 8; do skip "fish is not installed (apt-get install fish)"; done
fi
cd / && rm -rf "$W"
