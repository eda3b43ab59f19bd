#!/bin/bash
# Side by side: the same command lines through Debian's /usr/bin/bwrap and
# through a "bwrap" symlink to the binary under test, in each mode; exit
# status and stderr must match (and stdout where it is deterministic).
# Only options bwrap 0.8 knows, and behaviour 0.8 shares with 0.11 (not
# --userns 0, which 0.11 honours).  Setuid mode skips --remount-ro of a
# missing path: bwrap 0.8 then adds a second, internal line.
. "$(dirname "$0")/lib.sh"

REAL=${BWRAP:-/usr/bin/bwrap}
if [ ! -x "$REAL" ]; then
	skip "no $REAL to compare with" "compat"
	exit 0
fi
# Both are run as plain "bwrap" found on PATH, so argv[0] is the same.
mkdir -p "$T/real" "$T/realsuid" "$T/vbl" "$T/vblsuid"
chmod 755 "$T/real" "$T/realsuid" "$T/vbl" "$T/vblsuid"
cp "$REAL" "$T/real/bwrap"; chmod 755 "$T/real/bwrap"
ln -s "$VB_BIN" "$T/vbl/bwrap"
if mode_available setuid; then
	cp "$REAL" "$T/realsuid/bwrap" && chown 0:0 "$T/realsuid/bwrap" && chmod 4755 "$T/realsuid/bwrap"
	ln -s "$VB_SUID" "$T/vblsuid/bwrap"
fi

# pair_run DIR MODE ARGS...: runs "bwrap ARGS" with DIR first on PATH.
pair_run() {
	local dir=$1 mode=$2; shift 2
	local -a pre=()
	[ "$mode" = root ] || pre=("${AS_USER[@]}")
	env PATH="$dir:$PATH" "${pre[@]}" bwrap "$@" <"${RUN_STDIN:-/dev/null}" >"$T/io/out" 2>"$T/io/err"
	rc=$?
	out=$(cat "$T/io/out"); err=$(cat "$T/io/err")
}

# COMPARE: all (status, stderr, stdout), noout (status, stderr),
# usage (status, first stderr line).
t_compat() {
	local -a args
	local r_rc r_out r_err d_real d_vb
	eval "args=($ARGS)"
	if [ "$1" = setuid ]; then d_real=$T/realsuid d_vb=$T/vblsuid; else d_real=$T/real d_vb=$T/vbl; fi
	pair_run "$d_real" "$1" "${args[@]}"
	r_rc=$rc r_out=$out r_err=$err
	pair_run "$d_vb" "$1" "${args[@]}"
	LAST_CMD="[$1] bwrap $ARGS"
	[ "$COMPARE" = usage ] && { r_err=$(printf '%s\n' "$r_err" | head -1); err=$(printf '%s\n' "$err" | head -1); }
	local bad=0
	[ "$rc" = "$r_rc" ] || { diag "status: bwrap $r_rc, vb $rc"; bad=1; }
	[ "$err" = "$r_err" ] || { diag "stderr differs:"; diag "bwrap: $r_err"; diag "vb:    $err"; bad=1; }
	if [ "$COMPARE" = all ] && [ "$out" != "$r_out" ]; then
		diag "stdout differs:"; diag "bwrap: $r_out"; diag "vb:    $out"; bad=1
	fi
	return $bad
}

U='--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 --symlink usr/sbin /sbin'
# COMPARE | MODES (empty: all) | ARGS
CASES=$(cat <<TABLE
all||--ro-bind / / true
all||--ro-bind / / sh -c 'echo out; echo err >&2; exit 3'
all||--ro-bind / / sh -c 'kill -TERM \$\$'
all||--ro-bind / / --unshare-pid sh -c 'kill -KILL \$\$'
all||$U --unshare-all --proc /proc --dev /dev sh -c 'ls -A /dev; id -u; ls /proc/self/ns | tr "\\n" " "'
all||$U --tmpfs /tmp --dir /tmp/a/b --perms 0700 --dir /tmp/c --symlink /x /tmp/l sh -c 'ls -A /tmp; stat -c "%n %a" /tmp/a /tmp/a/b /tmp/c; readlink /tmp/l'
all||$U --clearenv --setenv A b --setenv C d --unsetenv C /usr/bin/env
all||$U --unshare-uts --hostname compat-host hostname
all||$U --unshare-user --uid 5 --gid 6 id
all||$U --unshare-net --proc /proc sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1'
all||$U --chdir /nonexistent --chdir /usr pwd
all||$U --unshare-pid --as-pid-1 sh -c 'echo \$\$'
all||$U --dev /dev --cap-drop ALL sh -c 'grep ^Cap /proc/self/status'
all|root user|$U --proc /proc --cap-drop ALL --cap-add CAP_CHOWN sh -c 'grep ^Cap /proc/self/status'
noout||--frobnicate
noout||--bind /usr
noout||--ro-bind / / --perms 0700 --bind /usr /x true
noout||--ro-bind / / --perms 9999 --dir /x true
noout||--ro-bind / / --size 0 --tmpfs /x true
noout||--ro-bind / / --size 100 --tmpfs /x true
noout||--ro-bind / / --bind /nonexistent /x true
noout|root user|--ro-bind / / --remount-ro /nonexistent true
noout||$U --dir /usr/x true
noout||--ro-bind / / /nonexistent
noout||--ro-bind / / --uid 5 true
noout||--ro-bind / / --hostname x true
noout||--ro-bind / / --as-pid-1 true
noout||--ro-bind / / --unshare-pid --as-pid-1 --lock-file /x true
noout||--ro-bind / / --cap-add CAP_BOGUS true
noout||--ro-bind / / --cap-add CAP_NET_ADMIN true
noout||--ro-bind / / --userns-block-fd 0 true
noout||--ro-bind / / --unshare-user --userns-block-fd 0 true
noout||--ro-bind / / --disable-userns true
noout||--ro-bind / / --info-fd abc true
noout||--ro-bind / / --seccomp 99 true
noout||--ro-bind / / --args 99 true
noout||--ro-bind / / --chmod 0700 /nonexistent true
noout||--ro-bind / / --exec-label system_u:system_r:x_t:s0 true
noout||--ro-bind / / --file-label system_u:object_r:x_t:s0 true
usage||--ro-bind / /
usage||
TABLE
)
while IFS='|' read -r COMPARE MODES_OF ARGS; do
	[ -n "$COMPARE" ] || continue
	# shellcheck disable=SC2086
	mcase "same as bwrap: ${ARGS:-(no arguments)}" t_compat $MODES_OF
done <<<"$CASES"

# --info-fd / --json-status-fd: the same keys, in the same order.
json_keys() { "$PY" -c '
import json, sys
t = open(sys.argv[1]).read().strip(); d = json.JSONDecoder(); i = 0; out = []
while i < len(t):
    o, e = d.raw_decode(t, i); out.append(",".join(o)); i = e
    while i < len(t) and t[i].isspace(): i += 1
print(" | ".join(out))' "$1"; }
t_json_keys() {
	local opts a b d_real d_vb
	if [ "$1" = setuid ]; then d_real=$T/realsuid d_vb=$T/vblsuid; else d_real=$T/real d_vb=$T/vbl; fi
	for opts in "" "--unshare-all" "--unshare-user --unshare-net" "--unshare-pid --unshare-ipc --unshare-uts --unshare-cgroup"; do
		# shellcheck disable=SC2086
		pair_run "$d_real" "$1" --ro-bind / / $opts --info-fd 3 --json-status-fd 4 sh -c 'exit 2' 3>"$T/io/i1" 4>"$T/io/j1"
		# shellcheck disable=SC2086
		pair_run "$d_vb" "$1" --ro-bind / / $opts --info-fd 3 --json-status-fd 4 sh -c 'exit 2' 3>"$T/io/i2" 4>"$T/io/j2"
		a="$(json_keys "$T/io/i1") / $(json_keys "$T/io/j1")"
		b="$(json_keys "$T/io/i2") / $(json_keys "$T/io/j2")"
		[ "$a" = "$b" ] || { diag "with '$opts': bwrap $a"; diag "with '$opts': vb    $b"; return 1; }
	done
}
mcase "--info-fd/--json-status-fd: bwrap's keys in bwrap's order" t_json_keys

# ---- bwrap 0.11's behaviour where Debian's 0.8 cannot show it -----------------------
# A long argument: bwrap has no cap of its own on one (a --setenv value of
# many KiB is fine); only the 9000-argument cap, with its message.
t_long_arg() {
	local d v
	if [ "$1" = setuid ]; then d=$T/vblsuid; else d=$T/vbl; fi
	v=$(head -c 20000 /dev/zero | tr '\0' a)
	pair_run "$d" "$1" --ro-bind / / --setenv LONG "$v" sh -c 'echo ${#LONG}'
	expect_rc 0 && expect_out 20000
}
mcase "0.11: a 20000-byte --setenv value is taken" t_long_arg
t_args_cap() {
	local d
	if [ "$1" = setuid ]; then d=$T/vblsuid; else d=$T/vbl; fi
	"$PY" -c 'import sys; sys.stdout.write("\0".join(["--unsetenv", "X"] * 4501) + "\0")' >"$T/io/args"
	pair_run "$d" "$1" --args 3 --ro-bind / / true 3<"$T/io/args"
	expect_rc 1 && expect_err "bwrap: Exceeded maximum number of arguments 9000" || return 1
	"$PY" -c 'import sys; sys.stdout.write("\0".join(["--unsetenv", "X"] * 4490) + "\0")' >"$T/io/args"
	pair_run "$d" "$1" --args 3 --ro-bind / / true 3<"$T/io/args"
	expect_ok
}
mcase "0.11: 9002 arguments through --args: bwrap's message; 8980 run" t_args_cap
# Programs parse `bwrap --version` to pick features: as bwrap, vb says the
# bwrap version whose command line it implements, in bwrap's format.
t_version() {
	local d
	if [ "$1" = setuid ]; then d=$T/vblsuid; else d=$T/vbl; fi
	pair_run "$d" "$1" --version
	expect_rc 0 && [ "$(printf '%s\n' "$out" | head -1)" = "bubblewrap 0.11.1" ] &&
		printf '%s\n' "$out" | sed -n 2p | grep -q '^voidbox ' ||
		{ diag "got: $out"; return 1; }
}
mcase "0.11: bwrap --version through the symlink: bubblewrap 0.11.1, then voidbox's" t_version


# vb11 MODE ARGS...: the binary under test as "bwrap", in MODE.
vb11() {
	local mode=$1 d
	shift
	if [ "$mode" = setuid ]; then d=$T/vblsuid; else d=$T/vbl; fi
	pair_run "$d" "$mode" "$@"
	LAST_CMD="[$mode] bwrap $*"
}

# ---- 0.11's messages ----------------------------------------------------------------
# --symlink onto something already there: the same target is fine, another
# target or a non-symlink is named.
t_symlink_exists() {
	vb11 "$1" --ro-bind / / --tmpfs /tmp --symlink a /tmp/l --symlink b /tmp/l true
	expect_rc 1 && expect_err "bwrap: Can't make symlink at /tmp/l: existing destination is a" || return 1
	vb11 "$1" --ro-bind / / --tmpfs /tmp --dir /tmp/d --symlink b /tmp/d true
	expect_rc 1 && expect_err "bwrap: Can't make symlink at /tmp/d: destination exists and is not a symlink" || return 1
	vb11 "$1" --ro-bind / / --tmpfs /tmp --symlink a /tmp/l --symlink a /tmp/l readlink /tmp/l
	expect_ok a
}
mcase "0.11: --symlink onto an existing path: bwrap's messages, same target fine" t_symlink_exists
t_assert_userns() {
	vb11 "$1" --ro-bind / / --unshare-user --assert-userns-disabled true
	expect_rc 1 && expect_err "bwrap: creation of new user namespaces was not disabled as requested"
}
mcase "0.11: --assert-userns-disabled when not disabled: no errno suffix" t_assert_userns
t_seccomp_empty() {
	vb11 "$1" --ro-bind / / --seccomp 3 true 3</dev/null
	expect_rc 1 && expect_err "bwrap: Unable to set up system call filtering as requested: prctl(PR_SET_SECCOMP) reported EINVAL. (Hint: this requires a kernel configured with CONFIG_SECCOMP and CONFIG_SECCOMP_FILTER.)"
}
mcase "0.11: --seccomp with an empty program: the kernel's EINVAL, in bwrap's words" t_seccomp_empty
# In a user namespace that does not own the IPC namespace, mqueue cannot be
# mounted; bwrap names the path as it sees it during setup.
t_mqueue_userns() {
	vb11 "$1" --unshare-user --ro-bind / / --tmpfs /tmp --mqueue /tmp/mq true
	expect_rc 1 && expect_err "bwrap: Can't mount mqueue on /newroot/tmp/mq: Operation not permitted"
}
mcase "0.11: --mqueue refused in a user namespace names /newroot/DEST" t_mqueue_userns

# ---- 0.11's behaviour ---------------------------------------------------------------
# --perms --dir on a directory that exists leaves its mode alone (through
# --bind / / it is the host's directory); a new one gets the mode exactly.
t_dir_perms_existing() {
	local d
	d=$(mkw dirperms-$1)
	chmod 0755 "$d"
	vb11 "$1" --bind / / --perms 0700 --dir "$d" --perms 0750 --dir "$d/new" stat -c %a "$d" "$d/new"
	expect_ok "$(printf '755\n750')" || return 1
	[ "$(stat -c %a "$d")" = 755 ] || { diag "host directory now $(stat -c %a "$d")"; return 1; }
}
mcase "0.11: --perms --dir on an existing directory leaves its mode" t_dir_perms_existing


# Overlays get no nosuid/nodev of their own (bwrap mounts them with no
# flags): as root a device node made on a --tmp-overlay can be used.  In a
# user namespace the kernel keeps devices off anyway; the flags still show.
t_overlay_flags() {
	local lo lo2 up wk opts
	lo=$(mkw ovl-lower-$1); lo2=$(mkw ovl-lower2-$1); up=$(mkw ovl-upper-$1); wk=$(mkw ovl-work-$1)
	# shellcheck disable=SC2016
	vb11 "$1" --ro-bind / / --overlay-src "$lo" --tmp-overlay /mnt --overlay-src "$lo" --overlay "$up" "$wk" /opt \
		--overlay-src "$lo" --overlay-src "$lo2" --ro-overlay /srv \
		sh -c 'for m in /mnt /opt /srv; do awk -v m=$m '\''$5 == m { print m, $6 }'\'' /proc/self/mountinfo; done'
	expect_rc 0 || return 1
	opts=$(printf '%s\n' "$out" | awk '{ print $1 }' | tr '\n' ' ')
	[ "$opts" = "/mnt /opt /srv " ] || { diag "overlays not all mounted: $out"; return 1; }
	expect_out_unlike 'nosuid|nodev' || return 1
	[ "$1" = root ] || return 0
	vb11 "$1" --ro-bind / / --overlay-src "$lo" --tmp-overlay /mnt \
		sh -c 'mknod /mnt/null c 1 3 && echo x >/mnt/null && echo usable'
	expect_ok usable
}
mcase "0.11: overlay mounts without nosuid/nodev; a device node on --tmp-overlay works" t_overlay_flags root user


# Relative sources are the caller's cwd's (bwrap realpath()s them before
# it sets up), with the caller's rights; destinations stay sandbox paths.
t_relative_sources() {
	local d old=$PWD
	d=$(mkw rel-$1)
	mkdir -p "$d/src" "$d/priv/sub" && echo hello >"$d/src/f" && ln -s src "$d/link" && ln -s "$d/src" "$d/abslink" &&
		chmod 755 "$d/src" && chmod 644 "$d/src/f" && chmod 700 "$d/priv" || return 1
	cd "$d" || return 1
	vb11 "$1" --ro-bind / / --tmpfs /mnt --ro-bind src /mnt/a --bind link /mnt/b --dev-bind ./src /mnt/c \
		--ro-bind-try src /mnt/d --bind-try nothere /mnt/e --dev-bind-try ../"$(basename "$d")"/src /mnt/f \
		--ro-bind abslink /mnt/g sh -c 'cat /mnt/a/f /mnt/b/f /mnt/c/f /mnt/d/f /mnt/f/f /mnt/g/f; ls /mnt | tr "\n" " "'
	expect_ok "$(printf 'hello\nhello\nhello\nhello\nhello\nhello\na b c d f g ')" || { cd "$old"; return 1; }
	vb11 "$1" --ro-bind / / --ro-bind nothere /mnt true
	expect_rc 1 && expect_err "bwrap: Can't find source path nothere: No such file or directory" ||
		{ cd "$old"; return 1; }
	vb11 "$1" --ro-bind / / --ro-bind priv/sub /mnt ls /mnt
	cd "$old"
	if [ "$1" = root ]; then
		expect_ok
	else
		expect_rc 1 && expect_err "bwrap: Can't find source path priv/sub: Permission denied"
	fi
}
mcase "0.11: relative bind sources resolve against the caller's cwd, with its rights" t_relative_sources
t_relative_overlay() {
	local d old=$PWD
	d=$(mkw relovl-$1)
	mkdir -p "$d/lower" "$d/upper" "$d/work" && echo low >"$d/lower/f" && chmod 644 "$d/lower/f" || return 1
	[ "$MYUID" = 0 ] && chown -R "$TUID:$TGID" "$d"
	cd "$d" || return 1
	vb11 "$1" --ro-bind / / --tmpfs /mnt --overlay-src lower --overlay upper work /mnt/o \
		--overlay-src ./lower --tmp-overlay /mnt/t sh -c 'cat /mnt/o/f /mnt/t/f && echo up >/mnt/o/new'
	cd "$old"
	expect_ok "$(printf 'low\nlow')" || return 1
	[ "$(cat "$d/upper/new")" = up ] || { diag "no write in $d/upper"; return 1; }
}
mcase "0.11: relative --overlay-src, RWSRC and WORKDIR resolve against the caller's cwd" t_relative_overlay root user


# Root keeps its own effective set in a user namespace (bwrap trims the
# bounding set the new namespace gave back); never more than it had.
t_root_caps_userns() {
	local want opts
	want=$(setpriv --inh-caps=-net_raw --bounding-set=-net_raw -- awk '/^CapEff/ { print $2 }' /proc/self/status)
	[ -n "$want" ] && [ "$want" != "$(awk '/^CapEff/ { print $2 }' /proc/self/status)" ] ||
		{ diag "setpriv did not drop CAP_NET_RAW ($want)"; return 1; }
	for opts in --unshare-user --unshare-all; do
		# shellcheck disable=SC2086
		out=$(setpriv --inh-caps=-net_raw --bounding-set=-net_raw -- env PATH="$T/vbl:$PATH" \
			bwrap --ro-bind / / $opts --proc /proc awk '/^Cap(Eff|Prm|Bnd)/ { print $2 }' /proc/self/status 2>"$T/io/err")
		rc=$? err=$(cat "$T/io/err") LAST_CMD="[root, no CAP_NET_RAW] bwrap --ro-bind / / $opts ..."
		expect_ok "$(printf '%s\n%s\n%s' "$want" "$want" "$want")" || return 1
	done
	# A non-zero uid in the namespace gets nothing at exec, as in bwrap.
	out=$(env PATH="$T/vbl:$PATH" bwrap --ro-bind / / --unshare-user --uid 5 awk '/^CapEff/ { print $2 }' /proc/self/status 2>"$T/io/err")
	rc=$? err=$(cat "$T/io/err") LAST_CMD="[root] bwrap --ro-bind / / --unshare-user --uid 5 ..."
	expect_ok 0000000000000000
}
mcase "0.11: root with --unshare-user/--unshare-all keeps its effective set, no more" t_root_caps_userns root


# --die-with-parent: the parent of vb is a shell that runs it in the
# background and is then SIGKILLed; the command must go too, in every mode
# (setuid included: every credential change clears the death signal).
# The command is found by a marker in its argv, a sleep that ends by itself.
DWP_N=0
t_die_with_parent() {
	local mode=$1 pidns=$2 outer i pid marker d=$T/vbl
	local -a pre=()
	DWP_N=$((DWP_N + 1)); marker=45.9876$DWP_N # also its own time bound
	[ "$mode" = root ] || pre=("${AS_USER[@]}")
	[ "$mode" = setuid ] && d=$T/vblsuid
	LAST_CMD="[$mode] sh -c 'bwrap --die-with-parent $pidns ... sleep $marker & wait', the sh killed"
	# A simple command, so that $! is the shell itself (setpriv and env exec).
	"${pre[@]}" env PATH="$d:$PATH" sh -c 'bwrap --die-with-parent '"$pidns"' --ro-bind / / sleep '"$marker"' </dev/null & wait' &
	outer=$!
	for i in $(seq 100); do
		pid=$(pgrep -f "^sleep $marker\$") && break
		sleep 0.1
	done
	[ -n "$pid" ] || { diag "the command never started"; kill -KILL $outer; wait $outer; return 1; }
	kill -KILL $outer; wait $outer 2>/dev/null
	for i in $(seq 100); do
		pgrep -f "^sleep $marker\$" >/dev/null || return 0
		sleep 0.1
	done
	diag "the command (pid $pid) outlived its parent by 10s"
	pkill -KILL -f "^sleep $marker\$"
	return 1
}
t_die_with_parent_plain() { t_die_with_parent "$1" ""; }
t_die_with_parent_pidns() { t_die_with_parent "$1" --unshare-pid; }
mcase "0.11: --die-with-parent: the command dies with vb's parent" t_die_with_parent_plain
mcase "0.11: --die-with-parent --unshare-pid: the command dies with vb's parent" t_die_with_parent_pidns


# The caller can enter its own sandbox through its PID 1 (--info-fd's
# child-pid), as with bwrap: /proc/PID/{root,environ,ns/*}, then
# --userns/--pidns or nsenter (PID 1's environment is vb's own).  (The command still cannot ptrace or read
# PID 1: tests/probes.t, "vb's PID 1".)  Not in setuid mode: bwrap refuses
# --userns there.
ENTER_N=0
t_enter_sandbox() {
	local mode=$1 bg pid i marker info ns_in
	ENTER_N=$((ENTER_N + 1)); marker=45.9875$ENTER_N # also its own time bound
	info=$T/w/enter-info-$mode
	rm -f "$info"
	local -a pre=()
	[ "$mode" = root ] || pre=("${AS_USER[@]}")
	"${pre[@]}" env PATH="$T/vbl:$PATH" VB_ENTER_MARK=yes bwrap --unshare-user --unshare-pid --ro-bind / / \
		--info-fd 3 sleep "$marker" 3>"$info" </dev/null >/dev/null 2>&1 &
	bg=$!
	for i in $(seq 100); do
		pid=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["child-pid"])' "$info" 2>/dev/null) && break
		sleep 0.1
	done
	LAST_CMD="[$mode] enter the sandbox of PID $pid"
	[ -n "$pid" ] || { diag "no child-pid in --info-fd"; kill $bg; wait $bg; return 1; }
	# shellcheck disable=SC2016
	out=$("${pre[@]}" sh -c '
		p=$1
		tr "\0" "\n" </proc/$p/environ | grep -x VB_ENTER_MARK=yes
		ls /proc/$p/root/ >/dev/null && echo root
		readlink /proc/$p/ns/pid
		PATH="$2:$PATH" bwrap --userns 8 --pidns 9 --ro-bind / / readlink /proc/self/ns/pid 8</proc/$p/ns/user 9</proc/$p/ns/pid
		if command -v nsenter >/dev/null; then
			nsenter --target "$p" --user --pid --preserve-credentials readlink /proc/self/ns/pid
		else
			readlink /proc/$p/ns/pid
		fi' sh "$pid" "$T/vbl" 2>"$T/io/err")
	rc=$? err=$(cat "$T/io/err")
	kill $bg; wait $bg
	expect_rc 0 && expect_err "" || return 1
	[ "$(printf '%s\n' "$out" | sed -n 1,2p | tr '\n' ' ')" = "VB_ENTER_MARK=yes root " ] ||
		{ diag "got: $out"; return 1; }
	ns_in=$(printf '%s\n' "$out" | sed -n 3,5p | sort -u)
	[ "$(printf '%s\n' "$ns_in" | wc -l)" = 1 ] && [ "${ns_in#pid:}" != "$ns_in" ] ||
		{ diag "pid namespaces seen: $out"; return 1; }
}
mcase "0.11: the caller enters its sandbox: /proc/PID1/{environ,root,ns}, --userns/--pidns, nsenter" t_enter_sandbox root user

done_testing
