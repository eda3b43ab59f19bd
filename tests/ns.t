#!/bin/bash
# Namespaces: what the command sees with each --unshare-* option.
. "$(dirname "$0")/lib.sh"

host_ns() { readlink "/proc/$$/ns/$1" | tr -dc 0-9; }
NS_LIST="cgroup ipc mnt net pid uts user"
# ns_view ARGS...: runs `sh` printing "name:inode" for every namespace.
ns_view() {
	run_mode "$MODE" -- "${SB[@]}" --proc /proc "$@" sh -c \
		'for n in '"$NS_LIST"'; do printf "%s:%s\n" $n $(readlink /proc/self/ns/$n | tr -dc 0-9); done'
}
# ns_diff: the namespace names that differ from ours, space-separated.
ns_diff() {
	local n line res=
	for n in $NS_LIST; do
		line=$(printf '%s\n' "$out" | grep "^$n:")
		[ "${line#*:}" != "$(host_ns $n)" ] && res="$res$n "
	done
	echo "$res"
}
# The user namespace is new in user mode (bwrap makes one for an
# unprivileged caller), kept as root and setuid.
userns_of() { [ "$1" = user ] && echo "user "; }

t_ns_none() {
	MODE=$1; ns_view
	expect_ok_ns "mnt $(userns_of $1)"
}
expect_ok_ns() {
	expect_rc 0 && expect_err "" || return 1
	local got; got=$(ns_diff)
	[ "$got" = "$(echo "$1" | tr ' ' '\n' | grep . | sort_ns)" ] ||
		{ diag "new namespaces: '$got', expected '$1'"; return 1; }
}
sort_ns() { local n l; l=$(cat); for n in $NS_LIST; do printf '%s\n' "$l" | grep -qx $n && printf '%s ' $n; done; }

mcase "no --unshare-*: only a new mount namespace" t_ns_none
t_ns_pid() { MODE=$1; ns_view --unshare-pid; expect_ok_ns "mnt pid $(userns_of $1)"; }
mcase "--unshare-pid" t_ns_pid
t_ns_ipc() { MODE=$1; ns_view --unshare-ipc; expect_ok_ns "ipc mnt $(userns_of $1)"; }
mcase "--unshare-ipc" t_ns_ipc
t_ns_uts() { MODE=$1; ns_view --unshare-uts; expect_ok_ns "mnt uts $(userns_of $1)"; }
mcase "--unshare-uts" t_ns_uts
t_ns_net() { MODE=$1; ns_view --unshare-net; expect_ok_ns "mnt net $(userns_of $1)"; }
mcase "--unshare-net" t_ns_net
t_ns_cgroup() { MODE=$1; ns_view --unshare-cgroup; expect_ok_ns "cgroup mnt $(userns_of $1)"; }
mcase "--unshare-cgroup" t_ns_cgroup
t_ns_cgroup_try() { MODE=$1; ns_view --unshare-cgroup-try; expect_ok_ns "cgroup mnt $(userns_of $1)"; }
mcase "--unshare-cgroup-try" t_ns_cgroup_try
t_ns_user() { MODE=$1; ns_view --unshare-user; expect_ok_ns "mnt user"; }
mcase "--unshare-user" t_ns_user
t_ns_all() { MODE=$1; ns_view --unshare-all; expect_ok_ns "cgroup ipc mnt net pid uts user"; }
mcase "--unshare-all (user namespace included)" t_ns_all
t_ns_share_net() { MODE=$1; ns_view --unshare-all --share-net; expect_ok_ns "cgroup ipc mnt pid uts user"; }
mcase "--unshare-all --share-net keeps the network" t_ns_share_net

t_pid_view() {
	run_mode "$1" -- "${SB[@]}" --unshare-pid sh -c 'echo $$'
	# 1 is the sandbox's init; bwrap's setuid mode has a helper as 2.
	expect_rc 0 && expect_err "" && expect_out_like '^[23]$'
}
mcase "--unshare-pid: the command runs under the sandbox's init" t_pid_view

t_hostname() {
	local before; before=$(hostname)
	run_mode "$1" -- "${SB[@]}" --unshare-uts --hostname vb-test-host --proc /proc sh -c 'hostname; cat /proc/sys/kernel/hostname'
	expect_ok "$(printf 'vb-test-host\nvb-test-host')" && [ "$(hostname)" = "$before" ]
}
mcase "--unshare-uts --hostname sets the name inside only" t_hostname

t_hostname_needs_uts() {
	run_mode "$1" -- "${SB[@]}" --hostname x true
	expect_fail "Specifying --hostname requires --unshare-uts"
}
mcase "--hostname without --unshare-uts is refused" t_hostname_needs_uts

t_net() {
	run_mode "$1" -- "${SB[@]}" --unshare-net --proc /proc sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "; ip -o link show lo | grep -o "<[^>]*>"'
	expect_ok "$(printf 'lo\n<LOOPBACK,UP,LOWER_UP>')"
}
mcase "--unshare-net: only lo, and it is up" t_net

t_uid_gid() {
	run_mode "$1" -- "${SB[@]}" --unshare-user --uid 1234 --gid 5678 --proc /proc sh -c 'id -u; id -g; cat /proc/self/uid_map | tr -s " "'
	expect_ok "$(printf '1234\n5678\n 1234 %s 1' "$(uid_in "$1")")"
}
mcase "--unshare-user --uid --gid: id inside, mapped to the caller" t_uid_gid

t_default_id() {
	run_mode "$1" -- "${SB[@]}" sh -c 'id -u; id -g'
	expect_ok "$(printf '%s\n%s' "$(uid_in "$1")" "$(gid_in "$1")")"
}
mcase "without --uid the command runs as the caller" t_default_id

t_uid_needs_userns() {
	run_mode "$1" -- "${SB[@]}" --uid 5 --gid 6 sh -c 'id -u; id -g'
	if [ "$1" = user ]; then
		expect_ok "$(printf '5\n6')"   # the implied user namespace
	else
		expect_fail "Specifying --uid requires --unshare-user or --userns"
	fi
}
mcase "--uid without --unshare-user: refused, unless one is implied (user mode)" t_uid_needs_userns

t_disable_userns() {
	run_mode "$1" -- "${SB[@]}" --unshare-user --disable-userns --assert-userns-disabled sh -c 'unshare -U true 2>&1 | grep -q "unshare failed" && echo blocked'
	expect_ok blocked
}
# Not in setuid mode: bwrap then fails to open /proc/sys/user/max_user_namespaces.
mcase "--disable-userns: no nested user namespace" t_disable_userns root user

t_disable_needs_user() {
	run_mode "$1" -- "${SB[@]}" --disable-userns true
	expect_fail "--disable-userns requires --unshare-user"
}
mcase "--disable-userns without --unshare-user is refused" t_disable_needs_user

t_userns_fd() {
	[ "$1" = root ] || { SKIP_REASON="joining a namespace we made needs root here"; return 77; }
	local pid u
	unshare --user --map-root-user sleep 30 &
	pid=$!
	sleep 0.3
	u=$(readlink /proc/$pid/ns/user | tr -dc 0-9)
	run_mode "$1" -- "${SB[@]}" --userns 5 --proc /proc sh -c 'readlink /proc/self/ns/user | tr -dc 0-9; echo; id -u' 5<"/proc/$pid/ns/user"
	kill $pid; wait $pid 2>/dev/null
	expect_ok "$(printf '%s\n0' "$u")"
}
mcase "--userns FD joins an existing user namespace" t_userns_fd

t_userns_setuid() {
	run_mode "$1" -- "${SB[@]}" --userns 5 true 5</proc/self/ns/user
	expect_fail "--userns doesn't work in setuid mode"
}
mcase "--userns is refused in setuid mode" t_userns_setuid setuid

t_ns_user_try() { MODE=$1; ns_view --unshare-user-try; expect_ok_ns "mnt user"; }
mcase "--unshare-user-try makes a user namespace where it can" t_ns_user_try

t_pidns_fd() {
	[ "$1" = root ] || { SKIP_REASON="joining a pid namespace we made needs root here"; return 77; }
	local holder pid ns i
	unshare --pid --fork sleep 30 &
	holder=$!
	for i in $(seq 50); do pid=$(tr -dc 0-9 </proc/$holder/task/$holder/children 2>/dev/null); [ -n "$pid" ] && break; sleep 0.1; done
	ns=$(readlink /proc/$pid/ns/pid | tr -dc 0-9)
	run_mode "$1" -- "${SB[@]}" --pidns 5 --proc /proc sh -c 'readlink /proc/self/ns/pid | tr -dc 0-9; echo; test $$ != 1 && echo not-init' 5<"/proc/$pid/ns/pid"
	kill $pid $holder 2>/dev/null; wait $holder 2>/dev/null
	expect_ok "$(printf '%s\nnot-init' "$ns")"
}
mcase "--pidns FD runs the command in an existing pid namespace" t_pidns_fd

done_testing
