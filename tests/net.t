#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# --net: bridge, NAT, publishing, IPAM, IPv6, DNS, pasta, setuid policy and
# teardown.  Hermetic: the whole test re-executes itself in a network and
# mount namespace of its own, which plays the host (with a private /run, so
# leases never mix with real ones); another namespace, "upstream", is the
# network beyond it.  No packet leaves these namespaces.

if [ -z "${VB_NET_INNER:-}" ] && [ "$(id -u)" = 0 ]; then
	export VB_NET_INNER=1
	exec unshare --net --mount --propagation private -- bash "$0" "$@"
fi

. "${VB_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"

if [ "$(id -u)" != 0 ] || [ -z "${VB_NET_INNER:-}" ]; then
	plan 1
	skip "needs root to create the test's own network namespaces" "network suite"
	exit 0
fi
if ! vb_only; then
	plan 1
	skip "$SKIP_REASON" "network suite"
	exit 0
fi

# ---- the test's world ------------------------------------------------------------
UP=vbup$$
SRV=$T/srv.py
ip link set lo up
mount -t tmpfs vbtest-run /run || bail "cannot mount a private /run"
mkdir -p /run/netns /run/systemd/resolve
# pasta needs /dev/net/tun, which Debian makes 0666; where the host's is
# root-only, the test's own mount namespace gets a node that is not.
if [ -c /dev/net/tun ] && ! setpriv --reuid="$TUID" --regid="$TGID" --clear-groups -- test -w /dev/net/tun; then
	mkdir -p /run/vbtest-tun && mknod -m 666 /run/vbtest-tun/tun c 10 200 &&
		mount --bind /run/vbtest-tun/tun /dev/net/tun
fi
ip netns add "$UP" || bail "ip netns add"
ip link add up0 type veth peer name eth0 netns "$UP" || bail "veth to upstream"
ip addr add 10.99.0.1/24 dev up0
ip -6 addr add fd99::1/64 dev up0 nodad
ip link set up0 up
ip netns exec "$UP" ip link set lo up
ip netns exec "$UP" ip addr add 10.99.0.2/24 dev eth0
ip netns exec "$UP" ip -6 addr add fd99::2/64 dev eth0 nodad
ip netns exec "$UP" ip link set eth0 up
# An upstream address beyond the gateway (pasta maps the gateway itself
# to the host).
ip netns exec "$UP" ip addr add 10.99.1.2/32 dev lo
# pasta copies the host's default route and address: give it one.
ip route add default via 10.99.0.2 dev up0
ip -6 route add default via fd99::2 dev up0

PIDS=()
cleanup_world() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	ip netns del "$UP" 2>/dev/null
}
trap 'cleanup_world; _vbt_cleanup' EXIT

cat >"$SRV" <<'EOF'
import os, socket, sys, threading
mode, port = sys.argv[1], int(sys.argv[2])
fam = socket.AF_INET6 if len(sys.argv) > 4 and sys.argv[4] == "6" else socket.AF_INET
host = "::" if fam == socket.AF_INET6 else "0.0.0.0"
if mode == "udp-log":      # append each datagram's source address to a file
    s = socket.socket(fam, socket.SOCK_DGRAM); s.bind((host, port))
    open(sys.argv[3] + ".ready", "w").close()
    while True:
        data, peer = s.recvfrom(512)
        with open(sys.argv[3], "a") as f: f.write(peer[0] + "\n")
elif mode == "udp-echo":   # answer each datagram with "echo:" + data
    s = socket.socket(fam, socket.SOCK_DGRAM); s.bind((host, port))
    open(sys.argv[3] + ".ready", "w").close()
    while True:
        data, peer = s.recvfrom(512); s.sendto(b"echo:" + data, peer)
elif mode == "tcp-peer":   # tell each client its address as seen here
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port)); s.listen(64)
    open(sys.argv[3] + ".ready", "w").close()
    while True:
        c, peer = s.accept(); c.sendall(("peer=" + peer[0] + "\n").encode()); c.close()
elif mode == "tcp-get":    # client: print what the server says [from a source address]
    src = (sys.argv[4], 0) if len(sys.argv) > 4 else None
    c = socket.create_connection((sys.argv[3], port), timeout=5, source_address=src)
    print(c.recv(512).decode().strip())
elif mode == "udp-send":   # client: send one datagram, print a reply if asked [from an address]
    fam = socket.AF_INET6 if ":" in sys.argv[3] else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM); s.settimeout(3)
    if len(sys.argv) > 5: s.bind((sys.argv[5], 0))
    for _ in range(3):
        s.sendto(b"hi", (sys.argv[3], port))
        if len(sys.argv) < 5: break
        try: print(s.recv(512).decode()); break
        except socket.timeout: pass
EOF

# start_bg LOG CMD...: runs CMD in the background, waits for LOG.ready.
start_bg() {
	local log=$1; shift
	"$@" >/dev/null 2>&1 &
	PIDS+=($!)
	for _ in $(seq 100); do [ -e "$log.ready" ] && return 0; sleep 0.05; done
	diag "background server did not start: $*"
	return 1
}

VBR=("$VB_BIN" --ro-bind / / --dev /dev --proc /proc --die-with-parent)
sbx() { timeout 30 "${VBR[@]}" "$@"; }
py() { echo "python3 $SRV $*"; }

# Residue: sandbox veths, leases, per-sandbox nft chains and elements.
# vb removes leases and rules before it exits; a veth goes with the
# sandbox's network namespace, which the kernel tears down asynchronously
# once the sandbox's last process is gone (vb only takes its host end down):
# so veths are waited for (10 s at most), then everything is listed.
veths() { ip -o link show | grep -Eo 'vb[0-9a-f]{8}' | sort; }
residue() {
	local i
	for i in $(seq 200); do [ -z "$(veths)" ] && break; sleep 0.05; done
	veths
	ls /run/voidbox/net/*/ 2>/dev/null | grep -E '^[0-9.]+$'
	nft list table inet voidbox 2>/dev/null | grep -Eo '(pre|out)-[0-9a-f]{8}'
	nonat_elems
}
# Elements of the --no-nat sets (their names, then one per element).
nonat_elems() {
	local s
	for s in nonat4-vb0 nonat6-vb0; do
		nft -j list set inet voidbox $s 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
for o in d.get("nftables", []):
    for e in o.get("set", {}).get("elem", []):
        print("elem", e)' 2>/dev/null
	done
}

# ---- bridge, gateway, NAT ----------------------------------------------------------
start_bg "$T/gw" python3 "$SRV" tcp-peer 7001 "$T/gw"
start_bg "$T/up.log" ip netns exec "$UP" python3 "$SRV" udp-log 7002 "$T/up.log"
start_bg "$T/up6.log" ip netns exec "$UP" python3 "$SRV" udp-log 7003 "$T/up6.log" 6

out=$(sbx --net bridge -- sh -c 'ip -4 -o addr show eth0; ip route show default' 2>"$T/io/err")
like "$out" 'inet 10\.88\.[0-9]+\.[0-9]+/16' "bridge: eth0 has an address from 10.88.0.0/16"
like "$out" 'default via 10\.88\.0\.1 dev eth0' "bridge: default route via the gateway"

out=$(sbx --net bridge -- $(py tcp-get 7001 10.88.0.1) 2>&1)
like "$out" '^peer=10\.88\.' "sandbox reaches the gateway (host sees its bridge address)"

: >"$T/up.log"
sbx --net bridge -- $(py udp-send 7002 10.99.0.2) >/dev/null 2>&1
sleep 0.3
is "$(sort -u "$T/up.log")" "10.99.0.1" "upstream sees the masqueraded source address"

: >"$T/up.log"
sbx --net bridge --no-nat --ip 10.88.0.77 -- $(py udp-send 7002 10.99.0.2) >/dev/null 2>&1
sleep 0.3
is "$(sort -u "$T/up.log")" "10.88.0.77" "--no-nat: upstream sees the sandbox's own address"
is "$(nft list set inet voidbox nonat4-vb0 2>/dev/null | grep -c 10.88.0.77)" "0" \
	"--no-nat: the exemption is removed at exit"

# ---- two sandboxes on one bridge ---------------------------------------------------
rm -f "$T/a.ready"
"${VBR[@]}" --net bridge --ip 10.88.0.50 --bind "$T" "$T" -- python3 "$SRV" tcp-peer 7010 "$T/a" >/dev/null 2>&1 &
A=$!
PIDS+=($A)
for _ in $(seq 100); do [ -e "$T/a.ready" ] && break; sleep 0.05; done
out=$(sbx --net bridge -- $(py tcp-get 7010 10.88.0.50) 2>&1)
like "$out" '^peer=10\.88\.0\.' "two sandboxes on one bridge reach each other"

# ---- --publish -------------------------------------------------------------------
kill "$A" 2>/dev/null; wait "$A" 2>/dev/null
rm -f "$T/p.ready" "$T/u.ready"
# --unshare-pid: killing vb ends the whole sandbox, both servers included.
"${VBR[@]}" --unshare-pid --net bridge --publish 8080:7011 --publish 5353:7012/udp --bind "$T" "$T" -- sh -c \
	"python3 $SRV tcp-peer 7011 $T/p & python3 $SRV udp-echo 7012 $T/u & wait" >/dev/null 2>&1 &
A=$!
PIDS+=($A)
for _ in $(seq 100); do [ -e "$T/p.ready" ] && [ -e "$T/u.ready" ] && break; sleep 0.05; done
out=$(timeout 10 python3 "$SRV" tcp-get 8080 10.99.0.1 2>&1)
like "$out" '^peer=' "--publish TCP: host client reaches the listener in the sandbox"
out=$(timeout 10 python3 "$SRV" udp-send 5353 10.99.0.1 reply 2>&1)
is "$out" "echo:hi" "--publish UDP: host client gets the sandbox's answer"
like "$(nft list table inet voidbox 2>/dev/null)" 'chain pre-[0-9a-f]{8}' "--publish: per-sandbox DNAT chain while running"
# From the host's own 127.0.0.1, as with Docker: DNAT in the output hook,
# route_localnet on the bridge, the loopback source masqueraded to the
# gateway address (what the listener sees).
out=$(timeout 10 python3 "$SRV" tcp-get 8080 127.0.0.1 2>&1)
is "$out" "peer=10.88.0.1" "--publish TCP: a host client of 127.0.0.1:HOSTPORT reaches the sandbox"
out=$(timeout 10 python3 "$SRV" udp-send 5353 127.0.0.1 reply 2>&1)
is "$out" "echo:hi" "--publish UDP: a host client of 127.0.0.1:HOSTPORT gets the answer"
is "$(cat /proc/sys/net/ipv4/conf/vb0/route_localnet)" "1" "--publish: route_localnet set on the bridge"
kill "$A" 2>/dev/null; wait "$A" 2>/dev/null
sleep 0.2
is "$(nft list table inet voidbox 2>/dev/null | grep -Ec '(pre|out)-[0-9a-f]{8}')" "0" \
	"--publish: DNAT chains removed when the sandbox ends"

# route_localnet would let a sandbox reach the host's loopback services by
# sending to 127.0.0.1 through the bridge: guard-vb0 drops that.  The probe
# is a hand-made frame (AF_PACKET, root sandbox) for 127.0.0.1:7020, where
# a host listener logs what arrives; the control removes the guard first.
cat >"$T/raw.py" <<'EOF2'
import socket, struct, sys
mac, src = bytes.fromhex(sys.argv[1].replace(":", "")), socket.inet_aton(sys.argv[2])
dst, payload = socket.inet_aton("127.0.0.1"), b"probe"
udp = struct.pack("!HHHH", 40000, 7020, 8 + len(payload), 0) + payload
hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, src, dst)
csum = sum(struct.unpack("!10H", hdr))
csum = (csum & 0xffff) + (csum >> 16); csum = (csum & 0xffff) + (csum >> 16)
hdr = hdr[:10] + struct.pack("!H", ~csum & 0xffff) + hdr[12:]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
own = s.getsockname()[4]
for _ in range(3):
    s.send(mac + own + b"\x08\x00" + hdr + udp)
EOF2
start_bg "$T/lo.log" python3 "$SRV" udp-log 7020 "$T/lo.log"
brmac=$(ip -o link show vb0 | grep -Eo 'link/ether [0-9a-f:]+' | cut -d' ' -f2)
: >"$T/lo.log"
sbx --net bridge --ip 10.88.0.66 -- python3 "$T/raw.py" "$brmac" 10.88.0.66 >/dev/null 2>&1
sleep 0.3
is "$(cat "$T/lo.log")" "" "route_localnet guard: a sandbox cannot reach the host's 127.0.0.1 through the bridge"
# Control: the guard is removed once the sandbox is up (any start would
# put it back), then the sandbox sends the same frames.
: >"$T/lo.log"
rm -f "$T/ctl.ready" "$T/ctl.go"
"${VBR[@]}" --net bridge --ip 10.88.0.67 --bind "$T" "$T" -- sh -c \
	"touch $T/ctl.ready; while [ ! -e $T/ctl.go ]; do sleep 0.05; done; python3 $T/raw.py $brmac 10.88.0.67" \
	>/dev/null 2>&1 &
pid_ctl=$!
for _ in $(seq 200); do [ -e "$T/ctl.ready" ] && break; sleep 0.05; done
nft delete chain inet voidbox guard-vb0
touch "$T/ctl.go"
wait "$pid_ctl"
sleep 0.3
is "$(sort -u "$T/lo.log")" "10.88.0.67" "control: without the guard the same frames reach the host's 127.0.0.1"
sbx --net bridge true
like "$(nft list table inet voidbox 2>/dev/null)" 'chain guard-vb0' \
	"the next start finds the guard missing (checked in the kernel) and puts it back"

# ---- IPv6 --------------------------------------------------------------------------
start_bg "$T/gw6" python3 "$SRV" tcp-peer 7004 "$T/gw6" 6
out=$(sbx --net bridge --ipv6 -- sh -c "ip -6 -o addr show eth0 scope global; $(py tcp-get 7004 fd56:6f69:6462::1)" 2>&1)
like "$out" 'inet6 fd56:6f69:6462::[0-9a-f]+/64' "--ipv6: eth0 has an address from the ULA /64"
like "$out" 'peer=fd56:6f69:6462::' "--ipv6: sandbox reaches the IPv6 gateway"
: >"$T/up6.log"
sbx --net bridge --ipv6 -- $(py udp-send 7003 fd99::2) >/dev/null 2>&1
sleep 0.3
is "$(sort -u "$T/up6.log")" "fd99::1" "--ipv6: upstream sees the masqueraded IPv6 source"

# ---- teardown: what vb removes, what goes with the namespace --------------------------
# A network namespace kept by something else than the sandbox (here a
# process the test puts into it with nsenter) outlives the sandbox, and so
# does the veth.  vb does nothing to it when no process of the sandbox can
# be left (vb killed the command's leftovers); with a cgroup, whose
# processes are killed only after the network's teardown, it takes the
# host end down.  Either way the lease is released, and a later sandbox
# given that address replaces the veth.
# pinned ARGS...: runs a sandbox with ARGS whose namespace the test keeps;
# sets $pin (the keeping process).
pinned() {
	rm -f "$T/pin.pid" "$T/pin.go"
	"${VBR[@]}" "$@" --bind "$T" "$T" -- sh -c \
		"echo \$\$ >$T/pin.pid; while [ ! -e $T/pin.go ]; do sleep 0.05; done" >/dev/null 2>&1 &
	local v=$!
	for _ in $(seq 200); do [ -s "$T/pin.pid" ] && break; sleep 0.05; done
	nsenter --net="/proc/$(cat "$T/pin.pid")/ns/net" sleep 60 &
	pin=$!
	sleep 0.2
	touch "$T/pin.go"
	wait "$v"
}
pinned --net bridge --ip 10.88.0.91
like "$(ip -o link show vb0a58005b 2>/dev/null)" 'state UP' \
	"a namespace kept from outside keeps its veth (vb left it to the kernel)"
is "$(ls /run/voidbox/net/vb0/ | grep -c '^10\.88\.0\.91$')" "0" "... and the lease is released"
out=$(sbx --net bridge --ip 10.88.0.91 -- ip -4 -o addr show eth0 2>&1)
like "$out" 'inet 10\.88\.0\.91/16' "the address given again: the kept veth replaced, no EEXIST"
kill "$pin" 2>/dev/null
wait "$pin" 2>/dev/null
pinned --net bridge --ip 10.88.0.92 --pids-max 100
like "$(ip -o link show vb0a58005c 2>/dev/null)" 'state DOWN' \
	"with a cgroup, the veth of a kept namespace has its host end down once vb exits"
kill "$pin" 2>/dev/null
wait "$pin" 2>/dev/null
is "$(residue)" "" "the namespaces let go, their veths are gone"

# Back-to-back runs: the next address each time (round-robin), so a run
# never waits for the previous one's veth to be torn down.
a1=$(sbx --net bridge -- ip -4 -o addr show eth0 2>&1 | grep -Eo 'inet [0-9.]+')
a2=$(sbx --net bridge -- ip -4 -o addr show eth0 2>&1 | grep -Eo 'inet [0-9.]+')
if [ -n "$a1" ] && [ -n "$a2" ] && [ "$a1" != "$a2" ]; then
	ok "back-to-back runs get different addresses ($a1, $a2)"
else
	not_ok "back-to-back runs get different addresses ($a1, $a2)"
fi

# The bridge's NAT is checked in the kernel at each start, not trusted to
# a stamp: a flushed ruleset is noticed and the masquerade made again.
nft flush ruleset
: >"$T/up.log"
sbx --net bridge -- $(py udp-send 7002 10.99.0.2) >/dev/null 2>&1
sleep 0.3
is "$(sort -u "$T/up.log")" "10.99.0.1" "after 'nft flush ruleset' the next start restores the masquerade"

# kill -9 of vb with --ipv6 --no-nat: both no-nat elements, IPv4 and IPv6,
# are left (control), then removed by the next start's sweep.
"${VBR[@]}" --net bridge --ipv6 --no-nat -- sleep 60 >/dev/null 2>&1 &
k=$!
for _ in $(seq 200); do [ "$(nonat_elems | wc -l)" = 2 ] && break; sleep 0.05; done
kill -9 "$k"
wait "$k" 2>/dev/null
left=$(nonat_elems | tr '\n' ' ')
like "$left" 'elem 10\.88\.[0-9.]+ elem fd56:6f69:6462::' "kill -9: vb leaves its IPv4 and IPv6 no-nat elements"
sbx --net bridge true
is "$(nonat_elems)" "" "kill -9: the next start sweeps both no-nat elements, IPv6 included"

# A zombie is not an owner: vb killed, its sandbox dead but not yet reaped
# (a subreaper or a busy shell reaps late), the lease is stale all the same.
# The lease is made by hand: vb's pid is one that has exited, the sandbox's
# a zombie child of a process that never waits.
python3 -c 'import os, time
if os.fork() == 0: os._exit(0)
time.sleep(30)' &
zparent=$!
zpid=
for _ in $(seq 100); do
	zpid=$(cat /proc/$zparent/task/$zparent/children 2>/dev/null | awk '{ print $1 }')
	[ -n "$zpid" ] && [ "$(awk '{ print $3 }' /proc/$zpid/stat 2>/dev/null)" = Z ] && break
	sleep 0.05
done
sh -c 'exit 0' & deadpid=$!
wait $deadpid
zstart=$(sed 's/.*) //' /proc/$zpid/stat | awk '{ print $20 }')
printf '%10d %20llu %10d %20llu\n\n' "$deadpid" 1 "$zpid" "$zstart" >/run/voidbox/net/vb0/10.88.0.250
sbx --net bridge true
if [ -e /run/voidbox/net/vb0/10.88.0.250 ]; then
	not_ok "a lease whose sandbox is only a zombie is swept by the next start (zombie $zpid)"
	rm -f /run/voidbox/net/vb0/10.88.0.250
else
	ok "a lease whose sandbox is only a zombie is swept by the next start"
fi
kill $zparent 2>/dev/null
wait $zparent 2>/dev/null

# ---- DNS ---------------------------------------------------------------------------
host_sum=$(sha256sum /etc/resolv.conf 2>/dev/null)
out=$(sbx --net bridge --dns 192.0.2.53 --dns 2001:db8::53 -- cat /etc/resolv.conf 2>&1)
like "$out" 'nameserver 192\.0\.2\.53' "--dns: the sandbox's resolv.conf names the server"
like "$out" 'nameserver 2001:db8::53' "--dns: repeatable"
is "$(sha256sum /etc/resolv.conf 2>/dev/null)" "$host_sum" "--dns: the host's resolv.conf is untouched"
printf 'nameserver 127.0.0.53\nsearch example.test\n' >"$T/resolv.stub"
printf 'nameserver 192.0.2.1\n' >/run/systemd/resolve/resolv.conf
if mount --bind "$T/resolv.stub" /etc/resolv.conf 2>/dev/null; then
	out=$(sbx --net bridge -- cat /etc/resolv.conf 2>&1)
	like "$out" 'nameserver 192\.0\.2\.1' "loopback resolver: replaced by the upstream one"
	if printf '%s' "$out" | grep -q 127.0.0.53; then not_ok "loopback resolver: 127.0.0.53 gone"; else ok "loopback resolver: 127.0.0.53 gone"; fi
	like "$out" 'search example\.test' "loopback resolver: search domain kept"
	umount /etc/resolv.conf
else
	skip "cannot bind over /etc/resolv.conf" "loopback resolver"
	skip "cannot bind over /etc/resolv.conf" "loopback resolver"
	skip "cannot bind over /etc/resolv.conf" "loopback resolver"
fi

# ---- none, ns:PATH -----------------------------------------------------------------
out=$(sbx --net none -- sh -c 'ip -o link show | wc -l; ip -o addr show lo | grep -c "inet 127"' 2>&1)
is "$out" "$(printf '1\n1')" "--net none: only loopback, and it is up"
out=$(sbx --net "ns:/run/netns/$UP" -- ip -4 -o addr show eth0 2>&1)
like "$out" 'inet 10\.99\.0\.2/24' "--net ns:PATH joins an existing namespace"

# ---- 32 in parallel ----------------------------------------------------------------
brmac_before=$(ip -o link show vb0 | grep -Eo 'link/ether [0-9a-f:]+')
# All 32 alive at once: each waits for $T/go, made once all have printed
# (a lease freed by an early finisher may rightly go to a later start).
par=()
rm -f "$T/go"
for i in $(seq 32); do
	timeout 60 "${VBR[@]}" --net bridge -- sh -c \
		"ip -4 -o addr show eth0; while [ ! -e $T/go ]; do sleep 0.05; done" >"$T/par.$i" 2>&1 &
	par+=($!)
done
for _ in $(seq 600); do
	[ "$(cat "$T"/par.* 2>/dev/null | grep -c 'inet ')" -ge 32 ] && break
	sleep 0.05
done
touch "$T/go"
wait "${par[@]}"
addrs=$(cat "$T"/par.* | grep -Eo 'inet [0-9.]+' | sort -u | wc -l)
is "$addrs" "32" "32 parallel sandboxes get 32 distinct addresses"
# Its own address, not the lowest of its ports' (which would change as
# sandboxes come and go, and stale the sandboxes' entries for the gateway).
is "$(ip -o link show vb0 | grep -Eo 'link/ether [0-9a-f:]+')" "$brmac_before" \
	"the bridge's MAC address stays put while 32 sandboxes join and leave it"
[ "$addrs" = 32 ] || diag "$(grep -L 'inet ' "$T"/par.* | xargs -r head)"

# ---- bad input: one line, status 1, nothing left -------------------------------------
before=$(residue)
for args in "--net bogus" "--net bridge:bad/name" "--subnet 10.88.0.1/16 --net bridge" \
	"--net bridge --publish 80" "--net bridge --mac 01:00:00:00:00:01" \
	"--net bridge --ip 10.1.2.3" "--net none --publish 80:80" "--ipv6" "--net ns:/nonexistent"; do
	# shellcheck disable=SC2086
	timeout 10 "${VBR[@]}" $args true >"$T/io/out" 2>"$T/io/err"
	rc=$?
	if [ "$rc" = 1 ] && [ "$(wc -l <"$T/io/err")" = 1 ] && grep -q "^$PROG: " "$T/io/err" &&
		[ "$(residue)" = "$before" ]; then
		ok "bad input refused in one line, nothing left: $args"
	else
		not_ok "bad input refused in one line, nothing left: $args"
		diag "rc=$rc err=$(cat "$T/io/err")"
	fi
done

# ---- 200 runs with failures at each network step and kill -9 --------------------------
if [ -x "$T/bin/vb-fault" ]; then
	# Two command lines: A, the steady state (bridge and NAT in place);
	# B, --ipv6 --no-nat with the voidbox table removed before each run,
	# so that the NAT setup and the no-nat elements are among the steps.
	VBF0=("$T/bin/vb-fault" --ro-bind / / --dev /dev --proc /proc --die-with-parent --net bridge)
	VBA=("${VBF0[@]}" --publish 8090:80)
	VBB=("${VBF0[@]}" --ipv6 --no-nat --publish 8091:80)
	prep_a() { :; }
	prep_b() { nft delete table inet voidbox 2>/dev/null; }
	fault_steps() { # V: the net- steps a run of V logs
		local -n cmd=VB$1
		rm -f "$T/fault.log"
		"prep_${1,,}"
		VB_FAULT_LOG=$T/fault.log timeout 20 "${cmd[@]}" true >/dev/null 2>&1
		awk '$3 ~ /^net-/ { print $1 }' "$T/fault.log" | sort -un | tr '\n' ' '
	}
	steps_a=$(fault_steps A)
	steps_b=$(fault_steps B)
	names=$(awk '$3 ~ /^net-/ { print $3 }' "$T/fault.log" | sort -u | tr '\n' ' ')
	runs=0 bad=0 failed=0
	while [ $runs -lt 200 ]; do
		for v in A B; do
			local_steps=steps_${v,,}
			declare -n cmd=VB$v
			for s in ${!local_steps}; do
				"prep_${v,,}"
				VB_FAULT_STEP=$s timeout 20 "${cmd[@]}" true >/dev/null 2>&1 || failed=$((failed + 1))
				runs=$((runs + 1))
				[ -n "$(residue)" ] && { bad=$((bad + 1)); diag "$v, after step $s: $(residue | tr '\n' ' ')"; }
			done
			unset -n cmd
		done
		# vb killed while the sandbox runs: what it held is swept by the
		# next start that gets as far as the lease.
		"${VBB[@]}" sleep 30 >/dev/null 2>&1 &
		k=$!
		for _ in $(seq 200); do [ -n "$(nft list table inet voidbox 2>/dev/null | grep -E 'chain out-')" ] && break; sleep 0.02; done
		kill -9 "$k" 2>/dev/null
		wait "$k" 2>/dev/null
		# Its sandbox dies of the parent-death signal a moment after
		# vb, and is alive for the sweep until then: wait until the
		# lease names no process left (10 s at most).
		for _ in $(seq 200); do
			live=
			for f in /run/voidbox/net/vb0/10.*; do
				[ -e "$f" ] || continue
				for p in $(head -1 "$f" | awk '{ print $1, $3 }'); do
					[ "$p" -gt 0 ] 2>/dev/null && [ -e "/proc/$p" ] && live=1
				done
			done
			[ -z "$live" ] && break
			sleep 0.05
		done
		runs=$((runs + 1))
		timeout 20 "${VBA[@]}" true >/dev/null 2>&1
		runs=$((runs + 1))
		[ -n "$(residue)" ] && { bad=$((bad + 1)); diag "after kill -9: $(residue | tr '\n' ' ')"; }
	done
	timeout 20 "${VBA[@]}" true >/dev/null 2>&1
	diag "net fault steps: A: $steps_a; B: $steps_b ($names); $runs runs, $failed failed by injection"
	if printf '%s' "$names" | grep -q net-nat && printf '%s' "$names" | grep -q net-nonat &&
		printf '%s' "$names" | grep -q net-publish; then
		ok "fault log lists the network steps ($(echo $steps_a | wc -w) + $(echo $steps_b | wc -w)), NAT setup and --no-nat among them"
	else
		not_ok "fault log lists the network steps, NAT setup and --no-nat among them"
	fi
	is "$bad" "0" "$runs runs with a failure at each network step and kill -9: no residue after any"
	is "$(residue)" "" "nothing left at the end of the fault runs"
else
	skip "vb-fault not built" "fault injection"; skip "vb-fault not built" "fault injection"
	skip "vb-fault not built" "fault injection"
fi

# ---- unprivileged: pasta, and the bridge's clear refusal ------------------------------
pasta_case() {
	local mode=$1
	command -v pasta >/dev/null || { SKIP_REASON="pasta not installed"; return 77; }
	: >"$T/up.log"
	chmod 666 "$T/up.log"
	run_mode "$mode" --ro-bind / / --dev /dev --proc /proc --die-with-parent --net pasta -- \
		sh -c "ip -4 -o addr show | grep -v ' lo '; python3 $SRV udp-send 7002 10.99.1.2"
	expect_rc 0 || { diag "$err"; return 1; }
	expect_out_like 'inet 10\.99\.0\.1/24' || return 1
	sleep 0.3
	[ "$(sort -u "$T/up.log")" = "10.99.0.1" ] || { diag "upstream saw: $(cat "$T/up.log")"; return 1; }
}
mcase "--net pasta: the sandbox reaches upstream" pasta_case user root
# --publish through pasta: it listens in the caller's namespace (here the
# test's) and forwards into the sandbox.  Clients: the test's own
# 127.0.0.1, TCP and UDP, and a host upstream connecting to the test's
# address.  --unshare-pid: the servers end with the sandbox.
pasta_publish_case() {
	local mode=$1 d pid t u up port
	command -v pasta >/dev/null || { SKIP_REASON="pasta not installed"; return 77; }
	d=$(mkw pasta-$mode)
	chmod 777 "$d" # root in the sandbox's user namespace is not its owner
	# Ports of their own per mode: the previous mode's pasta may still be
	# on its way out.
	case $mode in root) port=81 ;; user) port=82 ;; *) port=83 ;; esac
	mode_prefix "$mode"
	"${MODE_CMD[@]}" --ro-bind / / --bind "$d" "$d" --dev /dev --proc /proc --unshare-pid \
		--die-with-parent --net pasta --publish 8${port}1:7031 --publish 5${port}4:7032/udp -- \
		sh -c "python3 $SRV tcp-peer 7031 $d/t & python3 $SRV udp-echo 7032 $d/u & wait" \
		>"$T/io/out" 2>"$T/io/err" &
	pid=$!
	for _ in $(seq 200); do [ -e "$d/t.ready" ] && [ -e "$d/u.ready" ] && break; sleep 0.05; done
	t=$(timeout 10 python3 "$SRV" tcp-get 8${port}1 127.0.0.1 2>&1)
	u=$(timeout 10 python3 "$SRV" udp-send 5${port}4 127.0.0.1 reply 2>&1)
	# UDP from beyond the host, as a client elsewhere (10.99.0.2 is the
	# gateway, which pasta maps to the host itself: 10.99.1.2 is not).
	# TCP from there is not tested: the installed pasta (0.0~git20230309)
	# accepts such a connection and hands it in, but never acknowledges
	# what the namespace sends back -- reproduced with pasta alone.
	up=$(timeout 10 ip netns exec "$UP" python3 "$SRV" udp-send 5${port}4 10.99.0.1 reply 10.99.1.2 2>&1)
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=0 out="tcp: $t; udp: $u; upstream udp: $up" err=$(cat "$T/io/err")
	[ "$t" = "peer=127.0.0.1" ] || { diag "127.0.0.1 TCP: $t"; return 1; }
	[ "$u" = "echo:hi" ] || { diag "127.0.0.1 UDP: $u"; return 1; }
	[ "$up" = "echo:hi" ] || { diag "upstream UDP: $up"; return 1; }
}
mcase "--net pasta --publish: host clients reach the listener in the sandbox, TCP and UDP" \
	pasta_publish_case user root setuid
bridge_user_case() {
	run_mode "$1" --ro-bind / / --net bridge true
	expect_fail "--net bridge needs root (or vb installed setuid and a grant in /etc/voidbox/network.conf); use --net pasta as an ordinary user: Operation not permitted"
}
mcase "--net bridge unprivileged: a clear error pointing at pasta" bridge_user_case user

# ---- setuid policy -------------------------------------------------------------------
suid_nogrant() {
	[ -e /etc/voidbox/network.conf ] && { SKIP_REASON="host has a network.conf"; return 77; }
	run_mode setuid --ro-bind / / --net bridge true
	expect_fail "--net bridge in setuid mode needs a grant in /etc/voidbox/network.conf"
}
mcase "setuid: --net bridge refused without a grant" suid_nogrant setuid
suid_port() {
	run_mode setuid --ro-bind / / --net bridge --publish 80:80 true
	expect_fail "--publish: host port 80 is below 1024, not allowed in setuid mode"
}
mcase "setuid: host ports below 1024 refused" suid_port setuid
suid_ns() {
	run_mode setuid --ro-bind / / --net "ns:/run/netns/$UP" true
	expect_fail "--net ns:PATH is not allowed in setuid mode"
}
mcase "setuid: ns:PATH refused" suid_ns setuid

# A grant, in a copy of /etc bound over the real one in the test's own
# mount namespace only.
suid_grant() {
	mkdir -p "$T/etc" && cp -a /etc/. "$T/etc/" && mkdir -p "$T/etc/voidbox" || return 1
	printf '# test grant\nuser %s bridge vb0 subnet 10.88.0.0/16\n' "$TUSER" >"$T/etc/voidbox/network.conf"
	mount --bind "$T/etc" /etc || { SKIP_REASON="cannot bind a copy of /etc"; return 77; }
	run_mode setuid --ro-bind / / --net bridge -- ip -4 -o addr show eth0
	local r1=$rc o1=$out e1=$err
	run_mode setuid --ro-bind / / --net bridge:vb9 true
	umount /etc
	[ "$r1" = 0 ] && printf '%s' "$o1" | grep -q 'inet 10\.88\.' || { diag "granted run: rc=$r1 $e1"; return 1; }
	[ -z "$(residue)" ] || { diag "left: $(residue)"; return 1; }
	expect_fail "--net bridge:vb9 with subnet 10.88.0.0/16 is not granted to this user in /etc/voidbox/network.conf"
}
mcase "setuid: a grant allows its bridge and subnet, nothing else; teardown as root" suid_grant setuid

# Setuid with a user namespace: the sandbox is the user's (its user
# namespace maps only the user, no capability outside it), the bridge, veth
# and nft work is done by the outer vb with the root it kept for that.
suid_userns() {
	local d pid got
	d=$(mkw suid-userns)
	mkdir -p "$T/etc" && cp -a /etc/. "$T/etc/" && mkdir -p "$T/etc/voidbox" || return 1
	printf 'user %s bridge vb0 subnet 10.88.0.0/16\n' "$TUSER" >"$T/etc/voidbox/network.conf"
	mount --bind "$T/etc" /etc || { SKIP_REASON="cannot bind a copy of /etc"; return 77; }
	# In the background: a published listener, for a host client.
	mode_prefix setuid
	"${MODE_CMD[@]}" --ro-bind / / --bind "$d" "$d" --proc /proc --dev /dev --unshare-user \
		--unshare-pid --die-with-parent --net bridge --publish 8282:7041 -- \
		python3 "$SRV" tcp-peer 7041 "$d/p" >/dev/null 2>"$d/err" &
	pid=$!
	for _ in $(seq 200); do [ -e "$d/p.ready" ] && break; sleep 0.05; done
	got=$(timeout 10 python3 "$SRV" tcp-get 8282 127.0.0.1 2>&1)
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	run_mode setuid --ro-bind / / --proc /proc --dev /dev --unshare-user --net bridge -- sh -c \
		"id -u; ip -4 -o addr show eth0; grep -E '^Cap(Prm|Eff)' /proc/self/status; \
		 wc -l </proc/self/uid_map; $(py tcp-get 7001 10.88.0.1)"
	umount /etc
	expect_rc 0 || return 1
	expect_out_like "^$TUID\$" || return 1
	expect_out_like 'inet 10\.88\.[0-9.]+/16' || return 1
	expect_out_like 'CapPrm:[[:space:]]+0+$' || return 1
	expect_out_like 'CapEff:[[:space:]]+0+$' || return 1
	expect_out_like '^1$' || return 1
	expect_out_like '^peer=10\.88\.' || return 1
	[ "$got" = "peer=10.88.0.1" ] || { diag "--publish: $got $(cat "$d/err")"; return 1; }
	[ -z "$(residue)" ] || { diag "left: $(residue)"; return 1; }
}
mcase "setuid + --unshare-user + --net bridge: a user's sandbox, root only in the outer vb" \
	suid_userns setuid
# The same with a failure injected at each network step (the fault build,
# setuid too): one line, status 1, nothing left.
suid_userns_faults() {
	local prog0=$PROG vbin0=$VB_BIN steps s bad=0 n=0
	[ -x "$T/bin/vb-fault" ] || { SKIP_REASON="vb-fault not built"; return 77; }
	mkdir -p "$T/etc" && cp -a /etc/. "$T/etc/" && mkdir -p "$T/etc/voidbox" || return 1
	# --ipv6 without --subnet6: the default subnet6, which the grant names.
	printf 'user %s bridge vb0 subnet 10.88.0.0/16 subnet6 fd56:6f69:6462::/64\n' "$TUSER" >"$T/etc/voidbox/network.conf"
	mount --bind "$T/etc" /etc || { SKIP_REASON="cannot bind a copy of /etc"; return 77; }
	set_vb "$T/bin/vb-fault"
	local args=(--ro-bind / / --proc /proc --dev /dev --unshare-user --die-with-parent --net bridge
		--ipv6 --no-nat --publish 8383:80 true)
	rm -f "$T/w/sflog"
	nft delete table inet voidbox 2>/dev/null
	VB_FAULT_LOG=$T/w/sflog run_mode setuid "${args[@]}"
	steps=$(awk '$3 ~ /^net-/ { print $1 }' "$T/w/sflog" 2>/dev/null | sort -un)
	for s in $steps; do
		nft delete table inet voidbox 2>/dev/null
		VB_FAULT_STEP=$s run_mode setuid "${args[@]}"
		n=$((n + 1))
		if [ "$rc" != 1 ] || [ "$(printf '%s\n' "$err" | wc -l)" != 1 ] || [ -n "$(residue)" ]; then
			bad=$((bad + 1))
			diag "step $s: rc=$rc err=$err left: $(residue | tr '\n' ' ')"
		fi
	done
	umount /etc
	set_vb "$vbin0"
	PROG=$prog0
	[ "$n" -ge 10 ] || { diag "only $n network steps logged: $steps"; return 1; }
	[ "$bad" = 0 ] || return 1
	rc=0 out="$n steps" err=
}
mcase "setuid + --unshare-user + --net bridge: a failure at each network step leaves nothing" \
	suid_userns_faults setuid
suid_userns_nogrant() {
	[ -e /etc/voidbox/network.conf ] && { SKIP_REASON="host has a network.conf"; return 77; }
	run_mode setuid --ro-bind / / --unshare-user --net bridge true
	expect_fail "--net bridge in setuid mode needs a grant in /etc/voidbox/network.conf"
	[ -z "$(residue)" ] || { diag "left: $(residue)"; return 1; }
}
mcase "setuid + --unshare-user: --net bridge refused without a grant" suid_userns_nogrant setuid

# ---- setuid networking with a grant (issue 9) ---------------------------------------
# Each as an attacker holding a grant would try it, with the setuid copy;
# root mode where the rule holds for everyone.
# grant_on LINE...: network.conf holding LINEs, in a copy of /etc bound
# over the real one (this test's mount namespace only); grant_off undoes.
grant_on() {
	if [ ! -d "$T/etc/voidbox" ]; then
		mkdir -p "$T/etc" && cp -a /etc/. "$T/etc/" && mkdir -p "$T/etc/voidbox" || return 1
	fi
	printf '%s\n' "$@" >"$T/etc/voidbox/network.conf"
	mount --bind "$T/etc" /etc || { SKIP_REASON="cannot bind a copy of /etc"; return 77; }
}
grant_off() { umount /etc; }
GRANT="user $TUSER bridge vb0 subnet 10.88.0.0/16"

# --publish: a host port something on the host listens on is refused (the
# host's tcp-peer on 7001 has run since the start; a UDP one here).
start_bg "$T/hu" python3 "$SRV" udp-echo 7121 "$T/hu"
sn_publish_inuse() {
	grant_on "$GRANT" || return $?
	run_mode "$1" --ro-bind / / --net bridge --publish 7001:80 true
	local r1=$rc e1=$err
	run_mode "$1" --ro-bind / / --net bridge --publish 7121:80/udp true
	grant_off
	[ "$r1" = 1 ] && [ "$e1" = "$PROG: --publish: host port 7001/tcp is already in use" ] ||
		{ diag "tcp: rc=$r1 $e1"; return 1; }
	expect_fail "--publish: host port 7121/udp is already in use" || return 1
	[ -z "$(residue)" ] || { diag "left: $(residue)"; return 1; }
}
mcase "--publish: a host port a host service listens on is refused (TCP, UDP), nothing left" \
	sn_publish_inuse root setuid
sn_publish_remote() {
	grant_on "$GRANT" || return $?
	run_mode "$1" --ro-bind / / --net bridge --publish 10.99.0.2:7122:80 true
	grant_off
	expect_fail "--publish: 10.99.0.2 is not an address of this host" || return 1
	[ -z "$(residue)" ] || { diag "left: $(residue)"; return 1; }
}
mcase "--publish HOSTIP: an address that is not the host's is refused" sn_publish_remote root setuid
# Even where bind() would let it through (ip_nonlocal_bind), the DNAT rule
# takes only traffic for the host's own addresses: a host client of
# upstream's 10.99.0.2:7123 still reaches upstream, not the sandbox.
sn_publish_rule() {
	local d pid got nlb
	d=$(mkw sn-rule)
	grant_on "$GRANT" || return $?
	nlb=$(cat /proc/sys/net/ipv4/ip_nonlocal_bind)
	echo 1 >/proc/sys/net/ipv4/ip_nonlocal_bind
	rm -f "$T/u7123.ready"
	start_bg "$T/u7123" ip netns exec "$UP" python3 "$SRV" tcp-peer 7123 "$T/u7123"
	mode_prefix "$1"
	"${MODE_CMD[@]}" --ro-bind / / --bind "$d" "$d" --unshare-pid --die-with-parent --net bridge \
		--publish 10.99.0.2:7123:7041 -- sh -c "touch $d/ready; sleep 30" >/dev/null 2>"$d/err" &
	pid=$!
	for _ in $(seq 200); do [ -e "$d/ready" ] && break; sleep 0.05; done
	got=$(timeout 10 python3 "$SRV" tcp-get 7123 10.99.0.2 2>&1 | tail -1)
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "$nlb" >/proc/sys/net/ipv4/ip_nonlocal_bind
	grant_off
	rc=0 out="client of 10.99.0.2:7123: $got" err=$(cat "$d/err")
	[ -e "$d/ready" ] || { diag "the sandbox did not start"; return 1; }
	[ "$got" = "peer=10.99.0.1" ] || { diag "the connection went elsewhere: $got"; return 1; }
	[ -z "$(residue)" ] || { diag "left: $(residue)"; return 1; }
}
mcase "--publish: the DNAT rule never takes a connection to a remote address" sn_publish_rule root setuid
# While a sandbox publishes a port, the port is held: no host process can
# start listening on it (SO_REUSEADDR or not), a second --publish is refused.
sn_publish_hold() {
	local d pid b1 b2
	d=$(mkw sn-hold)
	grant_on "$GRANT" || return $?
	mode_prefix "$1"
	"${MODE_CMD[@]}" --ro-bind / / --bind "$d" "$d" --unshare-pid --die-with-parent --net bridge \
		--publish 7124:7041 -- sh -c "touch $d/ready; sleep 30" >/dev/null 2>"$d/err" &
	pid=$!
	for _ in $(seq 200); do [ -e "$d/ready" ] && break; sleep 0.05; done
	b1=$(as_mode_user "$1" python3 -c 'import socket; s = socket.socket(); s.bind(("0.0.0.0", 7124)); s.listen(1); print("bound")' 2>&1 | tail -1)
	b2=$(as_mode_user "$1" python3 -c 'import socket; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 7124)); s.listen(1); print("bound")' 2>&1 | tail -1)
	run_mode "$1" --ro-bind / / --net bridge --publish 7124:80 true
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	grant_off
	[ -e "$d/ready" ] || { diag "the sandbox did not start: $(cat "$d/err")"; return 1; }
	case $b1 in *"Address already in use"*) ;; *) diag "plain bind: $b1"; return 1 ;; esac
	case $b2 in *"Address already in use"*) ;; *) diag "SO_REUSEADDR bind: $b2"; return 1 ;; esac
	expect_fail "--publish: host port 7124/tcp is already in use" || return 1
	[ -z "$(residue)" ] || { diag "left: $(residue)"; return 1; }
}
mcase "--publish: the host port is held while the sandbox runs (no listener, no second --publish)" \
	sn_publish_hold root setuid

# IPv6: a grant names the IPv6 it allows; nothing else in setuid mode, and
# no host-wide forwarding switched by a user.
FWD6=/proc/sys/net/ipv6/conf/all/forwarding
sn_ipv6_nogrant() {
	local fwd r1 e1
	fwd=$(cat $FWD6)
	echo 0 >$FWD6
	grant_on "$GRANT" || return $?
	run_mode setuid --ro-bind / / --net bridge --ipv6 true
	r1=$rc e1=$err
	run_mode setuid --ro-bind / / --net bridge --ipv6 --subnet6 2000::/8 true
	grant_off
	local now=$(cat $FWD6)
	echo "$fwd" >$FWD6
	local msg="--ipv6: the grant for bridge vb0 in /etc/voidbox/network.conf allows no IPv6 (a subnet6 on its line would)"
	[ "$r1" = 1 ] && [ "$e1" = "$PROG: $msg" ] || { diag "--ipv6: rc=$r1 $e1"; return 1; }
	expect_fail "$msg" || return 1
	[ "$now" = 0 ] || { diag "forwarding switched on"; return 1; }
	! ip -6 addr show dev vb0 2>/dev/null | grep -q '2000::' || { diag "2000:: on vb0"; return 1; }
	! nft list table inet voidbox 2>/dev/null | grep -q '2000::' || { diag "a 2000:: rule"; return 1; }
	[ -z "$(residue)" ] || { diag "left: $(residue)"; return 1; }
}
mcase "setuid: an IPv4-only grant refuses --ipv6 and --subnet6 2000::/8, nothing left" sn_ipv6_nogrant setuid
sn_ipv6_grant() {
	local fwd r1 o1 e1 r2 e2
	fwd=$(cat $FWD6)
	echo 0 >$FWD6
	grant_on "$GRANT subnet6 fd00:88::/64" || return $?
	run_mode setuid --ro-bind / / --net bridge --ipv6 --subnet6 fd00:88::/64 -- ip -6 -o addr show dev eth0
	r1=$rc o1=$out e1=$err
	run_mode setuid --ro-bind / / --net bridge --ipv6 --subnet6 fd00::/16 true
	r2=$rc e2=$err
	run_mode setuid --ro-bind / / --net bridge --ipv6 --subnet6 2000::/8 true
	grant_off
	local now=$(cat $FWD6)
	echo "$fwd" >$FWD6
	[ "$r1" = 0 ] && printf '%s' "$o1" | grep -q 'inet6 fd00:88::' || { diag "granted: rc=$r1 $o1 $e1"; return 1; }
	[ "$r2" = 1 ] && [ "$e2" = "$PROG: --subnet6 fd00::/16 is not inside the subnet6 granted in /etc/voidbox/network.conf" ] ||
		{ diag "fd00::/16: rc=$r2 $e2"; return 1; }
	expect_fail "--subnet6 2000::/8 is not inside the subnet6 granted in /etc/voidbox/network.conf" || return 1
	[ "$now" = 0 ] || { diag "forwarding switched on by a user"; return 1; }
	! ip -6 addr show dev vb0 2>/dev/null | grep -qE '2000::|fd00::1/16' || { diag "refused prefix on vb0"; return 1; }
	[ -z "$(residue)" ] || { diag "left: $(residue)"; return 1; }
}
mcase "setuid: a subnet6 grant allows a subnet6 inside it only; forwarding left alone" sn_ipv6_grant setuid

# Per-user lease limit: max N, or by default half of the subnet's addresses.
sn_limit() {
	local d max=$2 cidr=$3 pids=() i
	d=$(mkw sn-limit)
	grant_on "user $TUSER bridge vb8 subnet $cidr${4:+ max $4}" || return $?
	mode_prefix setuid
	for i in $(seq "$max"); do
		"${MODE_CMD[@]}" --ro-bind / / --bind "$d" "$d" --unshare-pid --die-with-parent \
			--net bridge:vb8 --subnet "$cidr" -- sh -c "touch $d/$i.ready; sleep 30" >/dev/null 2>"$d/$i.err" &
		pids+=($!)
	done
	for i in $(seq "$max"); do
		for _ in $(seq 200); do [ -e "$d/$i.ready" ] && break; sleep 0.05; done
	done
	run_mode setuid --ro-bind / / --net bridge:vb8 --subnet "$cidr" true
	local r1=$rc e1=$err
	# Root is not counted: addresses are left for others.
	run_mode root --ro-bind / / --net bridge:vb8 --subnet "$cidr" true
	local r2=$rc
	kill "${pids[@]}" 2>/dev/null
	wait "${pids[@]}" 2>/dev/null
	grant_off
	for i in $(seq "$max"); do [ -e "$d/$i.ready" ] || { diag "sandbox $i: $(cat "$d/$i.err")"; return 1; }; done
	rc=$r1 err=$e1 out=
	expect_fail "No address for this user on bridge vb8: $max leases held, the limit of the grant in /etc/voidbox/network.conf (max $max)" || return 1
	[ "$r2" = 0 ] || { diag "root's run on the same subnet: $r2"; return 1; }
	[ -z "$(residue)" ] || { diag "left: $(residue)"; return 1; }
}
sn_limit_max() { sn_limit "$1" 1 10.89.0.0/24 1; }
sn_limit_default() { sn_limit "$1" 2 10.89.0.0/29; }
mcase "setuid: a grant's 'max 1': the user's second lease refused, naming the limit" sn_limit_max setuid
mcase "setuid: default per-user limit, half of a /29's 5 addresses: the third lease refused" sn_limit_default setuid

# --net-prune: only what the user's grant covers; unprivileged, an error.
sn_prune_user() {
	run_mode user --net-prune
	expect_fail "--net-prune needs root (or vb installed setuid and a grant in /etc/voidbox/network.conf): Operation not permitted"
}
mcase "--net-prune unprivileged: an error, not a silent success" sn_prune_user user
sn_prune_nogrant() {
	[ -e /etc/voidbox/network.conf ] && { SKIP_REASON="host has a network.conf"; return 77; }
	run_mode setuid --net-prune
	expect_fail "--net-prune in setuid mode needs a grant in /etc/voidbox/network.conf"
}
mcase "setuid: --net-prune without a grant refused" sn_prune_nogrant setuid
sn_prune_grant() {
	# Root's idle bridge vb7, and the user's idle vb0.
	run_mode root --ro-bind / / --net bridge:vb7 --subnet 10.87.0.0/16 true
	[ "$rc" = 0 ] || { diag "root's vb7: $err"; return 1; }
	run_mode root --ro-bind / / --net bridge true
	grant_on "$GRANT" || return $?
	run_mode setuid --net-prune
	grant_off
	expect_ok || return 1
	ip link show vb7 >/dev/null 2>&1 || { diag "root's bridge vb7 removed"; return 1; }
	nft list chain inet voidbox post-vb7 >/dev/null 2>&1 || { diag "root's NAT for vb7 removed"; return 1; }
	! ip link show vb0 >/dev/null 2>&1 || { diag "the granted idle vb0 was not pruned"; return 1; }
}
mcase "setuid: --net-prune removes the granted idle bridge only, not root's" sn_prune_grant setuid

# The outer vb gives up euid 0 and its capabilities once the network is
# set up: /proc/<outer vb>/status, read by the command (its parent).
sn_drop() {
	local net=$2
	grant_on "$GRANT" || return $?
	# The drop follows the command's exec: wait for it (5 s at most).
	run_mode setuid --ro-bind / / $3 --net "$net" -- sh -c \
		'for i in $(seq 100); do grep -q "^CapEff:[[:space:]]*0*$" /proc/$PPID/status && break; sleep 0.05; done
		 grep -E "^(Uid|CapEff):" /proc/$PPID/status'
	grant_off
	expect_rc 0 || return 1
	expect_out_like "^Uid:[[:space:]]+$TUID[[:space:]]+$TUID[[:space:]]" || return 1
	expect_out_like '^CapEff:[[:space:]]+0+$' || return 1
}
sn_drop_none() { sn_drop "$1" none; }
sn_drop_bridge() { sn_drop "$1" bridge; }
sn_drop_userns() { sn_drop "$1" bridge --unshare-user; }
mcase "setuid --net none: the outer vb runs the command without euid 0 or capabilities" sn_drop_none setuid
mcase "setuid --net bridge: the outer vb keeps no euid 0 or capabilities after setup" sn_drop_bridge setuid
mcase "setuid --unshare-user --net bridge: the same" sn_drop_userns setuid

# libnftables runs with an empty environment in setuid mode: libxtables'
# IPTABLES_LIB_DIR (it says so on stderr when it reads it; XTABLES_LIBDIR,
# read the same way, is a dlopen() path).  Root mode is the control.
sn_env() {
	grant_on "$GRANT" || return $?
	# (XTABLES_LIBDIR, when set, is taken first and silently.)  Exported
	# and unset again: an assignment before a function call may outlive it.
	export IPTABLES_LIB_DIR=/nonexistent
	run_mode "$1" --ro-bind / / --net bridge --no-nat true
	unset IPTABLES_LIB_DIR
	grant_off
	expect_rc 0 || return 1
	if [ "$1" = root ]; then
		expect_err_like 'IPTABLES_LIB_DIR is deprecated' || { diag "control: libxtables did not read it"; return 1; }
	else
		! printf '%s' "$err" | grep -q IPTABLES_LIB_DIR || { diag "libxtables read the user's environment"; return 1; }
	fi
}
mcase "setuid: libnftables does not see the user's environment (root: it does, control)" sn_env root setuid

# With --unshare-user --net bridge, nothing of vb's that the user can
# ptrace, read the memory of or take fds from holds root's ids or a
# root-opened netlink socket: probed while the child waits on --block-fd.
PROBE=$T/fix/vb-probe
sn_grab() {
	local d pid p kids bad=0 i
	[ -x "$PROBE" ] || { SKIP_REASON="tests/vb-probe not built"; return 77; }
	d=$(mkw sn-grab)
	mkfifo "$d/blk" && chown "$TUID" "$d/blk" || return 1
	grant_on "$GRANT" || return $?
	exec 9<>"$d/blk"
	mode_prefix setuid
	"${MODE_CMD[@]}" --ro-bind / / --unshare-user --unshare-pid --die-with-parent --net bridge \
		--block-fd 5 -- true 5<"$d/blk" >/dev/null 2>"$d/err" &
	pid=$!
	# Blocked: some process of vb's sits in read(5, ...).
	for i in $(seq 200); do
		kids=$(ps -o pid= --ppid "$pid" 2>/dev/null; for k in $(ps -o pid= --ppid "$pid" 2>/dev/null); do ps -o pid= --ppid "$k"; done)
		for p in $kids; do grep -q '^0 0x5 ' "/proc/$p/syscall" 2>/dev/null && break 2; done
		sleep 0.05
	done
	out=
	for p in $pid $kids; do
		local r
		r=$("${AS_USER[@]}" "$PROBE" "grab:$p" | tr '\n' ' ')
		out+="pid $p: $r"$'\n'
		case $r in
		*"grab-netlink yes"* | *"grab-uid0 yes"*)
			case $r in *"grab-seize ok"* | *"grab-mem ok"* | *"grab-getfd ok"*) bad=1 ;; esac ;;
		esac
	done
	echo x >&9
	wait "$pid"
	rc=$?
	exec 9>&-
	grant_off
	err=$(cat "$d/err")
	[ -n "$kids" ] || { diag "no process of vb's found"; return 1; }
	[ "$bad" = 0 ] || { diag "the user can take root's ids or socket"; return 1; }
	expect_rc 0 || return 1
	[ -z "$(residue)" ] || { diag "left: $(residue)"; return 1; }
}
mcase "setuid + --unshare-user --net bridge: no process the user can attach to holds root or its netlink socket" \
	sn_grab setuid
# The same earlier, while the child still waits for its go with root in
# its saved uid and the root-opened socket: the outer vb is held there by
# an --info-fd pipe already full (it blocks writing the info).
sn_grab_early() {
	local d pid p kids bad=0 i catpid held=
	[ -x "$PROBE" ] || { SKIP_REASON="tests/vb-probe not built"; return 77; }
	d=$(mkw sn-grab-early)
	mkfifo "$d/info" && chown "$TUID" "$d/info" || return 1
	exec 8<>"$d/info"
	python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_NONBLOCK)
try:
    while True: os.write(fd, b"x" * 4096)
except BlockingIOError: pass' "$d/info" || return 1
	grant_on "$GRANT" || return $?
	mode_prefix setuid
	"${MODE_CMD[@]}" --ro-bind / / --unshare-user --unshare-pid --die-with-parent --net bridge \
		--info-fd 6 -- true 6>"$d/info" >/dev/null 2>"$d/err" &
	pid=$!
	for i in $(seq 200); do
		# Waiting for room in the full --info-fd pipe: in write(6, ...),
		# or in the poll() that bounds that wait by signals and --timeout.
		grep -Eq '^(1 0x6|7) ' "/proc/$pid/syscall" 2>/dev/null && { held=1; break; }
		sleep 0.05
	done
	kids=$(ps -o pid= --ppid "$pid" 2>/dev/null)
	out=
	for p in $pid $kids; do
		local r
		r=$("${AS_USER[@]}" "$PROBE" "grab:$p" | tr '\n' ' ')
		out+="pid $p: $r"$'\n'
		case $r in
		*"grab-netlink yes"* | *"grab-uid0 yes"*)
			case $r in *"grab-seize ok"* | *"grab-mem ok"* | *"grab-getfd ok"*) bad=1 ;; esac ;;
		esac
	done
	cat "$d/info" >/dev/null &
	catpid=$!
	exec 8>&-
	wait "$pid"
	rc=$?
	kill "$catpid" 2>/dev/null
	wait "$catpid" 2>/dev/null
	grant_off
	err=$(cat "$d/err")
	[ -n "$held" ] && [ -n "$kids" ] || { diag "vb was not held before the go (held=$held, children: $kids)"; return 1; }
	[ "$bad" = 0 ] || { diag "the user can take root's ids or socket"; return 1; }
	expect_rc 0 || return 1
	[ -z "$(residue)" ] || { diag "left: $(residue)"; return 1; }
}
mcase "setuid + --unshare-user --net bridge: before the go, the child holding root is out of the user's reach" \
	sn_grab_early setuid

# The caller of --userns-block-fd writes the id maps itself, of a child
# that is not dumpable: refused, in one line, before anything is made.
sn_userns_block() {
	run_mode setuid --ro-bind / / --unshare-user --net bridge --userns-block-fd 5 --info-fd 6 true \
		5</dev/null 6>/dev/null
	expect_fail "--userns-block-fd is not supported with --net bridge in setuid mode" || return 1
	[ -z "$(residue)" ] || { diag "left: $(residue)"; return 1; }
}
mcase "setuid + --unshare-user --net bridge: --userns-block-fd refused" sn_userns_block setuid

# ---- prune -------------------------------------------------------------------------
"$VB_BIN" --net-prune
rc=$?
is "$rc" "0" "--net-prune succeeds"
if ip link show vb0 >/dev/null 2>&1 || nft list table inet voidbox >/dev/null 2>&1; then
	not_ok "--net-prune removes the idle bridge and the nft table"
else
	ok "--net-prune removes the idle bridge and the nft table"
fi
is "$(residue)" "" "nothing of voidbox's left in the host namespace"
# ---- bridge:NAME names vb's bridge, nothing else -------------------------------------
# An existing link that is not a bridge vb made (lo, a veth, someone's
# bridge) is refused in one line before anything is touched: lo keeps its
# addresses and TCP on lo still works, no address, nft set or lease is made
# for it.  --net-prune never deletes such a link, even when a directory for
# its name is in vb's run directory.
ip link add vbtv0 type veth peer name vbtv1
ip link add vbtbr type bridge
"$PY" -c 'import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 7790)); s.listen(8); open(sys.argv[1], "w").close()
while True:
    c, _ = s.accept(); c.send(b"lo-ok\n"); c.close()' "$T/lo.ready" &
PIDS+=($!)
for _ in $(seq 200); do [ -e "$T/lo.ready" ] && break; sleep 0.05; done
lo_before=$(ip -o addr show dev lo | awk '{ print $4 }' | sort | tr '\n' ' ')
before=$(residue)
for name in lo vbtv0 vbtbr; do
	timeout 20 "${VBR[@]}" --net "bridge:$name" true >"$T/io/out" 2>"$T/io/err"
	rc=$?
	if [ "$rc" = 1 ] && [ "$(wc -l <"$T/io/err")" = 1 ] &&
		grep -Eq "^$PROG: --net bridge:$name: $name (exists and is not a bridge|is a bridge vb did not make)" "$T/io/err" &&
		[ "$(residue)" = "$before" ] && [ ! -e "/run/voidbox/net/$name" ] &&
		! nft list table inet voidbox 2>/dev/null | grep -q -- "-$name"; then
		ok "--net bridge:$name (not vb's bridge): refused in one line, nothing touched"
	else
		not_ok "--net bridge:$name (not vb's bridge): refused in one line, nothing touched"
		diag "rc=$rc err=$(cat "$T/io/err")"
		nft list table inet voidbox 2>/dev/null | grep -- "-$name" | head -3 | while read -r l; do diag "nft: $l"; done
	fi
done
is "$(ip -o addr show dev lo | awk '{ print $4 }' | sort | tr '\n' ' ')" "$lo_before" "lo keeps its addresses, and only them"
is "$("$PY" -c 'import socket; s = socket.create_connection(("127.0.0.1", 7790), timeout=10); print(s.recv(16).decode().strip())' 2>&1)" \
	"lo-ok" "TCP on lo still works after --net bridge:lo was refused"
mkdir -p /run/voidbox/net/lo /run/voidbox/net/vbtv0 /run/voidbox/net/vbtbr
timeout 20 "$VB_BIN" --net-prune >/dev/null 2>&1
for name in lo vbtv0 vbtbr; do
	if ip link show "$name" >/dev/null 2>&1; then
		ok "--net-prune leaves $name alone (a directory for it in /run/voidbox/net)"
	else
		not_ok "--net-prune leaves $name alone (a directory for it in /run/voidbox/net)"
	fi
done
rm -rf /run/voidbox/net/lo /run/voidbox/net/vbtv0 /run/voidbox/net/vbtbr
ip link del vbtv0
ip link del vbtbr

done_testing
