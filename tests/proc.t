#!/bin/bash
# Process controls: --new-session, --die-with-parent, capabilities, seccomp.
. "$(dirname "$0")/lib.sh"

# tty_probe: opens /dev/tty (the controlling terminal) and tries TIOCSTI on
# stdin, the terminal script(1) gave us.
TTY_PROBE='
import fcntl, termios
try:
    open("/dev/tty").close(); print("ctty yes")
except OSError as e:
    print("ctty no", e.errno)
try:
    fcntl.ioctl(0, termios.TIOCSTI, b" "); print("tiocsti yes")
except OSError as e:
    print("tiocsti no", e.errno)'

t_tty_control() {
	run_mode_tty "$1" -- "${SB[@]}" --dev-bind /dev /dev python3 -c "$TTY_PROBE"
	expect_rc 0 && expect_out_like '^ctty yes$'
}
mcase "without --new-session the command keeps the controlling tty" t_tty_control

t_new_session() {
	run_mode_tty "$1" -- "${SB[@]}" --dev-bind /dev /dev --new-session python3 -c "$TTY_PROBE"
	expect_rc 0 && expect_out_like '^ctty no 6$' || return 1
	# root keeps CAP_SYS_ADMIN, which TIOCSTI honours on any tty
	[ "$1" = root ] || expect_out_like '^tiocsti no 1$'
}
mcase "--new-session: no controlling tty, TIOCSTI refused" t_new_session

# dwp MODE DIE: starts the sandbox under an intermediate shell, kills that
# shell, and reports whether the sandboxed process outlived it.
dwp() {
	local w parent spid i state
	w=$(mkw dwp-$1-$2)
	mode_prefix "$1"
	local -a extra=()
	[ "$2" = die ] && extra=(--die-with-parent)
	sh -c '"$@" & wait' sh "${MODE_CMD[@]}" "${SB[@]}" --bind "$w" /w "${extra[@]}" \
		sh -c 'echo $$ >/w/pid; exec sleep 60' </dev/null >/dev/null 2>&1 &
	parent=$!
	for i in $(seq 50); do [ -s "$w/pid" ] && break; sleep 0.1; done
	spid=$(cat "$w/pid" 2>/dev/null)
	kill -KILL $parent
	wait $parent 2>/dev/null
	[ -n "$spid" ] || { diag "the sandbox did not start"; return 2; }
	for i in $(seq 50); do
		state=$(awk '/^State:/ {print $2}' /proc/$spid/status 2>/dev/null)
		[ -z "$state" ] || [ "$state" = Z ] && break
		sleep 0.1
	done
	if [ -z "$state" ] || [ "$state" = Z ]; then
		return 1
	fi
	kill_gone "$spid"   # an orphan of ours: we are the subreaper
	return 0
}
t_die_with_parent() {
	dwp "$1" live; [ $? = 0 ] || { diag "control: the sandbox died with its parent without --die-with-parent"; return 1; }
	dwp "$1" die; [ $? = 1 ] || { diag "the sandbox outlived its parent"; return 1; }
}
mcase "--die-with-parent: killing vb's parent kills the sandbox" t_die_with_parent

capeff() { run_mode "$1" -- "${SB[@]}" --proc /proc "${@:2}" sh -c 'grep ^CapEff: /proc/self/status | cut -f2'; }
t_caps_default() {
	capeff "$1"
	if [ "$1" = root ]; then
		expect_ok "$(grep ^CapBnd: /proc/self/status | cut -f2)"
	else
		expect_ok 0000000000000000
	fi
}
mcase "capabilities: root keeps its set, a user gets none" t_caps_default

t_caps_drop() {
	capeff "$1" --cap-drop ALL
	expect_ok 0000000000000000 || return 1
	capeff "$1" --cap-drop CAP_SYS_ADMIN
	if [ "$1" = root ]; then
		expect_ok "$(printf '%016x' $(( 0x$(grep ^CapBnd: /proc/self/status | cut -f2) & ~(1 << 21) )))"
	else
		expect_ok 0000000000000000
	fi
}
mcase "--cap-drop removes capabilities" t_caps_drop

t_caps_add() {
	capeff "$1" --cap-drop ALL --cap-add CAP_NET_ADMIN --cap-add cap_kill
	if [ "$1" = setuid ]; then
		expect_fail "--cap-add in setuid mode can be used only by root"
	else
		expect_ok 0000000000001020
	fi
}
mcase "--cap-add grants capabilities (refused in setuid mode)" t_caps_add

t_caps_effect() {
	[ "$1" = setuid ] && { SKIP_REASON="--cap-add is refused in setuid mode"; return 77; }
	run_mode "$1" -- "${SB[@]}" --unshare-net --cap-drop ALL --cap-add CAP_NET_ADMIN \
		sh -c 'ip link set lo mtu 1300 2>&1 && ip -o link show lo | grep -o "mtu [0-9]*"'
	expect_ok "mtu 1300" || return 1
	run_mode "$1" -- "${SB[@]}" --unshare-net --cap-drop ALL sh -c 'ip link set lo mtu 1300 2>&1 | grep -c "Operation not permitted"'
	expect_out 1
}
mcase "capabilities take effect: CAP_NET_ADMIN in a private net ns" t_caps_effect

# bpf FILE NR...: a seccomp filter for this arch returning EPERM for the syscalls NR.
bpf() {
	"$PY" - "$@" <<'PY'
import struct, sys, platform
arch = {"x86_64": 0xc000003e, "aarch64": 0xc00000b7}[platform.machine()]
out, nrs = sys.argv[1], [int(n) for n in sys.argv[2:]]
ins = [(0x20, 0, 0, 4), (0x15, 0, len(nrs) + 1, arch), (0x20, 0, 0, 0)]
for i, nr in enumerate(nrs):
    ins.append((0x15, len(nrs) - i, 0, nr))      # jeq nr -> errno
ins.append((0x06, 0, 0, 0x7fff0000))             # allow
ins.append((0x06, 0, 0, 0x00050000 | 1))         # errno EPERM
# the arch mismatch jump lands on "allow": fix its offset
ins[1] = (0x15, 0, len(nrs) + 1, arch)
open(out, "wb").write(b"".join(struct.pack("=HBBI", *i) for i in ins))
PY
}
case $(uname -m) in
x86_64) NR_MKDIR="83 258" NR_SYMLINK="88 266" ;;
aarch64) NR_MKDIR="34" NR_SYMLINK="36" ;;
*) NR_MKDIR= ;;
esac
if [ -n "$NR_MKDIR" ]; then
	bpf "$T/fix/no-mkdir.bpf" $NR_MKDIR && bpf "$T/fix/no-symlink.bpf" $NR_SYMLINK
	chmod 644 "$T/fix/"*.bpf
fi
SECCOMP_PROBE='mkdir /tmp/d 2>&1 | grep -c "Operation not permitted"; ln -s x /tmp/l 2>&1 | grep -c "Operation not permitted"'

t_seccomp() {
	[ -n "$NR_MKDIR" ] || { SKIP_REASON="no seccomp test program for $(uname -m)"; return 77; }
	run_mode "$1" -- "${SB[@]}" --tmpfs /tmp sh -c "$SECCOMP_PROBE"
	expect_out "$(printf '0\n0')" || { diag "control run"; return 1; }
	run_mode "$1" -- "${SB[@]}" --tmpfs /tmp --seccomp 5 sh -c "$SECCOMP_PROBE" 5<"$T/fix/no-mkdir.bpf"
	expect_out "$(printf '1\n0')"
}
mcase "--seccomp FD installs the filter" t_seccomp

t_add_seccomp() {
	[ -n "$NR_MKDIR" ] || { SKIP_REASON="no seccomp test program for $(uname -m)"; return 77; }
	run_mode "$1" -- "${SB[@]}" --tmpfs /tmp --add-seccomp-fd 5 --add-seccomp-fd 6 sh -c "$SECCOMP_PROBE" \
		5<"$T/fix/no-mkdir.bpf" 6<"$T/fix/no-symlink.bpf"
	expect_out "$(printf '1\n1')"
}
mcase "--add-seccomp-fd stacks filters" t_add_seccomp

t_seccomp_bad() {
	printf 'abc' >"$T/fix/bad.bpf"; chmod 644 "$T/fix/bad.bpf"
	run_mode "$1" -- "${SB[@]}" --seccomp 5 true 5<"$T/fix/bad.bpf"
	expect_fail "Invalid seccomp data, must be multiple of 8"
}
mcase "--seccomp with a malformed program is refused" t_seccomp_bad

done_testing
