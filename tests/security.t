#!/bin/bash
# Security depth: seccomp policies (--seccomp-policy & co.) as escape probes
# that must fail inside and succeed in a control run, and --check-host.
. "$(dirname "$0")/lib.sh"

# PROBE WHAT: tries one escape with python3's ctypes and prints "ok" or the
# errno name.
PROBE='
import ctypes, errno, os, sys
libc = ctypes.CDLL(None, use_errno=True)
what = sys.argv[1]
def res(r):
    print("ok" if r >= 0 else errno.errorcode[ctypes.get_errno()])
if what == "add_key":
    res(libc.syscall(248, b"user", b"vbtest", b"x", 1, -2))  # add_key to the process keyring (x86_64 nr)
elif what == "keyctl":
    res(libc.syscall(250, 0, -1, 1, 0, 0))   # KEYCTL_GET_KEYRING_ID(thread keyring, create)
elif what == "unshare-user":
    res(libc.unshare(0x10000000))
elif what == "ptrace":
    pid = os.fork()
    if pid == 0:
        import time; time.sleep(5); os._exit(0)
    r = libc.ptrace(16, pid, 0, 0)             # PTRACE_ATTACH our own child
    e = ctypes.get_errno()
    os.kill(pid, 9); os.waitpid(pid, 0)
    print("ok" if r >= 0 else errno.errorcode[e])
elif what == "mount":
    res(libc.mount(b"none", b"/tmp", b"tmpfs", 0, None))
elif what == "mkdir":
    res(libc.mkdir(b"/tmp/d", 0o755))
'
sec_probe_args() { printf '%s\n' "${SB[@]}" --unshare-user --tmpfs /tmp --cap-add CAP_SYS_ADMIN; }

HAVE_POLICY=
"$T/bin/$PROG" --seccomp-policy-dump default >/dev/null 2>&1 && HAVE_POLICY=1
[ "$(uname -m)" = x86_64 ] || HAVE_POLICY=
need_policy() {
	vb_only || return 77
	[ -n "$HAVE_POLICY" ] || { SKIP_REASON="no --seccomp-policy in $PROG (or not x86_64)"; return 77; }
}

# t_escape MODE WHAT: the control run (no policy) succeeds, the default
# policy makes it fail with EPERM.
t_escape() {
	local mode=$1 what=$2 args
	need_policy || return 77
	mapfile -t args < <(sec_probe_args)
	if [ "$mode" = setuid ]; then args=("${SB[@]}" --unshare-user --tmpfs /tmp); fi
	run_mode "$mode" -- "${args[@]}" "$PY" -c "$PROBE" "$what"
	if [ "$out" != ok ]; then
		SKIP_REASON="control run cannot $what here ($out$err)"
		return 77
	fi
	run_mode "$mode" -- --seccomp-policy default "${args[@]}" "$PY" -c "$PROBE" "$what"
	expect_rc 0 && expect_out EPERM
}
for w in unshare-user add_key keyctl ptrace mount; do
	eval "t_escape_${w//-/_}() { t_escape \"\$1\" $w; }"
	mcase "default policy: $w fails with EPERM, works without it" "t_escape_${w//-/_}"
done

t_unshare_cmd() {
	need_policy || return 77
	run_mode "$1" -- "${SB[@]}" --unshare-user unshare -U true
	[ "$rc" = 0 ] || { SKIP_REASON="unshare -U fails without a policy"; return 77; }
	run_mode "$1" -- --seccomp-policy default "${SB[@]}" --unshare-user unshare -U true
	expect_rc 1 && expect_err_like "Operation not permitted"
}
mcase "default policy: unshare -U true fails inside" t_unshare_cmd

t_order() {
	need_policy || return 77
	run_mode "$1" -- --seccomp-deny mkdir --seccomp-deny mkdirat "${SB[@]}" --tmpfs /tmp "$PY" -c "$PROBE" mkdir
	expect_out EPERM || return 1
	run_mode "$1" -- --seccomp-deny mkdir --seccomp-deny mkdirat --seccomp-allow mkdirat --seccomp-allow mkdir \
		"${SB[@]}" --tmpfs /tmp "$PY" -c "$PROBE" mkdir
	expect_out ok || return 1
	run_mode "$1" -- --seccomp-allow mkdir --seccomp-deny mkdir:ENOSYS --seccomp-deny mkdirat:ENOSYS \
		"${SB[@]}" --tmpfs /tmp "$PY" -c "$PROBE" mkdir
	expect_out ENOSYS
}
mcase "--seccomp-deny/--seccomp-allow apply in order, :ERRNO honoured" t_order

t_unknown() {
	need_policy || return 77
	residue_snap
	run_mode "$1" -- --seccomp-deny mkdri "${SB[@]}" true
	expect_rc 1 && expect_out "" && expect_err_like "mkdri" && expect_err_like "mkdir" || return 1
	[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || { diag "not one line"; return 1; }
	run_mode "$1" -- --seccomp-allow @mout "${SB[@]}" true
	expect_rc 1 && expect_err_like "@mount" || return 1
	residue_check
}
mcase "unknown syscall/group names: one line naming the nearest, exit 1, nothing left" t_unknown

t_policy_file() {
	need_policy || return 77
	local f=$T/fix/pol-$1
	printf '# test policy\ndefault allow\ndeny mkdir:EACCES\ndeny mkdirat:EACCES\n' >"$f"
	chmod 644 "$f"
	run_mode "$1" -- --seccomp-policy "$f" "${SB[@]}" --tmpfs /tmp "$PY" -c "$PROBE" mkdir
	expect_out EACCES
}
mcase "a policy file is read and applied" t_policy_file

t_policy_file_unreadable() {
	need_policy || return 77
	[ "$1" = root ] && { SKIP_REASON="root reads every file"; return 77; }
	local f=$T/fix/pol-secret
	printf 'default allow\n' >"$f"
	chmod 600 "$f"
	run_mode "$1" -- --seccomp-policy "$f" "${SB[@]}" true
	expect_rc 1 && expect_err_like "Permission denied"
}
mcase "a policy file is read with the caller's rights" t_policy_file_unreadable user setuid

t_dump() {
	need_policy || return 77
	run_mode "$1" -- --seccomp-policy-dump default
	expect_rc 0 && expect_out_like "default allow" && expect_out_like "@mount"
}
mcase "--seccomp-policy-dump prints the policy" t_dump root

# ---- --check-host ----------------------------------------------------------------
HAVE_CHECK=
"$T/bin/$PROG" --check-host >/dev/null 2>&1
case $? in 0|1) "$T/bin/$PROG" --check-host 2>/dev/null | grep -q ' userns' && HAVE_CHECK=1 ;; esac
need_check() {
	vb_only || return 77
	[ -n "$HAVE_CHECK" ] || { SKIP_REASON="no --check-host in $PROG"; return 77; }
}

t_check_text() {
	need_check || return 77
	run_mode "$1" -- --check-host
	local i
	for i in 'userns[.a-z]*' mode.setuid overlayfs proc.overmounts cgroup seccomp landlock \
		net.nftables net.veth net.pasta; do
		expect_out_like "^[a-z]+ +$i " || return 1
	done
	# Every item without "ok" says how to fix it.
	printf '%s\n' "$out" | awk '/^[a-z]/ { if (pend) exit 1; pend = ($1 != "ok") } /^ +fix:/ { pend = 0 }
		END { exit pend }' || { diag "an item without a fix"; return 1; }
	if printf '%s\n' "$out" | grep -q '^fail '; then expect_rc 1; else expect_rc 0; fi
}
mcase "--check-host names every item; status matches its verdict" t_check_text

t_check_json() {
	need_check || return 77
	run_mode "$1" -- --check-host --json
	printf '%s' "$out" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
names = [c["check"] for c in d["checks"]]
assert any(n.startswith("userns") for n in names), names
for n in "mode.setuid overlayfs proc.overmounts cgroup seccomp landlock net.nftables net.veth net.pasta".split():
    assert n in names, n
for c in d["checks"]:
    assert c["status"] in ("ok", "warn", "fail") and c["detail"], c
    assert c["status"] == "ok" or c["fix"], c["check"]
assert (d["failed"] == 0) == (sys.argv[1] == "0"), (d["failed"], sys.argv[1])
' "$rc" || { diag "bad JSON"; return 1; }
}
mcase "--check-host --json parses, each failure has a fix" t_check_json

# vb's own path is in the report: under a name that is not UTF-8 the JSON
# is still UTF-8, the bytes escaped as vb-events(7) says.
t_check_json_bytes() {
	need_check || return 77
	local dir=$T/io/bin-$'\xff\xc3'
	mkdir -p "$dir" && cp "$T/bin/$PROG" "$dir/$PROG" || return 1
	out=$("$dir/$PROG" --check-host --json 2>/dev/null)
	printf '%s' "$out" | "$PY" -c '
import json, sys
d = json.loads(sys.stdin.buffer.read().decode("utf-8"))
want = sys.argv[1].encode("utf-8", "surrogateescape").decode("latin-1")
assert any(want in c["detail"] for c in d["checks"]), d
' "$dir/$PROG" || { diag "not UTF-8 JSON naming $dir/$PROG"; rm -rf "$dir"; return 1; }
	rm -rf "$dir"
}
mcase "--check-host --json under a non-UTF-8 path: UTF-8 JSON, the bytes escaped" t_check_json_bytes root

# ---- --net pasta with an unusable /dev/net/tun ------------------------------------
# In a private mount namespace: a 0600 node bound over /dev/net/tun (an
# ordinary user can't open it), or a plain file (root opens any mode).
# --check-host tries pasta for real and names the cause and the fix;
# --net pasta fails with one vb message, pasta's own lines dropped.
HAVE_PASTA=
command -v pasta >/dev/null && [ -c /dev/net/tun ] && HAVE_PASTA=1
# with_tun MODE bad|good ARGS...: vb ARGS in MODE with that /dev/net/tun.
with_tun() {
	local mode=$1 kind=$2 node=$T/io/tun-$2
	shift 2
	rm -f "$node"
	if [ "$kind" = good ]; then
		mknod -m 666 "$node" c 10 200
	elif [ "$mode" = root ]; then
		: >"$node"
	else
		mknod -m 600 "$node" c 10 200
	fi || return 1
	mode_prefix "$mode"
	LAST_CMD="[$mode, $kind /dev/net/tun] $PROG $*"
	timeout -k 5 60 unshare --mount --propagation private sh -c \
		'mount --bind "$0" /dev/net/tun && exec "$@"' "$node" "${MODE_CMD[@]}" "$@" \
		</dev/null >"$T/io/out" 2>"$T/io/err"
	rc=$? out=$(cat "$T/io/out") err=$(cat "$T/io/err")
}
need_pasta() {
	need_check || return 77
	[ -n "$HAVE_PASTA" ] || { SKIP_REASON="pasta or /dev/net/tun missing"; return 77; }
	[ "$(id -u)" = 0 ] || { SKIP_REASON="binding over /dev/net/tun needs root"; return 77; }
}
t_pasta_bad_tun() {
	need_pasta || return 77
	local cause fix uid
	uid=$(uid_in "$1")
	if [ "$1" = root ]; then
		cause="/dev/net/tun is not the tun device (10:200)"
		fix="make it: mknod -m 0666 /dev/net/tun c 10 200"
	else
		cause="/dev/net/tun is mode 0600, which uid $uid can't open (Permission denied)"
		fix="let users open it: chmod 0666 /dev/net/tun"
	fi
	with_tun "$1" bad --check-host
	printf '%s\n' "$out" | grep -A1 ' net\.pasta ' >"$T/io/pasta"
	[ "$(sed -n 1p "$T/io/pasta" | tr -s ' ')" = "warn net.pasta --net pasta fails for uid $uid: $cause" ] &&
		[ "$(sed -n 2p "$T/io/pasta" | tr -s ' ')" = " fix: $fix" ] ||
		{ diag "--check-host says: $(cat "$T/io/pasta")"; return 1; }
	residue_snap
	with_tun "$1" bad "${SB[@]}" --net pasta true
	expect_fail "--net pasta: pasta can't set up the network: $cause; $fix" && residue_check
}
mcase "/dev/net/tun unusable: --check-host says why and how to fix; --net pasta fails in one line" t_pasta_bad_tun
# Control: with a tun device anyone may open, both say it works.
t_pasta_good_tun() {
	need_pasta || return 77
	with_tun "$1" good --check-host
	expect_out_like "^ok +net\.pasta +pasta works for uid $(uid_in "$1") " || return 1
	with_tun "$1" good "${SB[@]}" --net pasta true
	expect_ok
}
mcase "/dev/net/tun usable: --check-host says pasta works; --net pasta runs" t_pasta_good_tun
# A default action that denies what the command needs to start (execve, and
# exit_group to end): refused before anything starts, in one line naming
# the option, never a SIGSEGV (139) nor a hang (the run is bounded).
t_default_denies_exec() {
	need_policy || return 77
	local f=$T/fix/pol-noexec g=$T/fix/pol-noexec-default act
	printf 'allow read write\n' >"$f"
	printf 'default eperm\nallow read write\n' >"$g"
	chmod 644 "$f" "$g"
	for act in enosys eperm; do
		residue_snap
		run_mode "$1" -- --seccomp-policy "$f" --seccomp-default-action "$act" "${SB[@]}" true
		expect_fail "--seccomp-default-action: the seccomp policy does not allow execve, so no command could start (allow execve, exit and exit_group)" &&
			residue_check || return 1
	done
	run_mode "$1" -- --seccomp-policy "$g" "${SB[@]}" true
	expect_fail "the seccomp policy's default: the seccomp policy does not allow execve, so no command could start (allow execve, exit and exit_group)"
}
mcase "--seccomp-default-action denying execve/exit_group: refused in one line, no SIGSEGV" t_default_denies_exec

done_testing
