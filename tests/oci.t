#!/bin/bash
# vb as podman's OCI runtime (vb oci, vb invoked as vb-oci), side by side
# with runc: the same podman command through either runtime gives the same
# output and the same exit status, as root and as an ordinary user
# (rootless podman, its user namespace from /etc/subuid through
# newuidmap).  The image is made offline: podman import of a rootfs holding
# busybox-static.  Then nothing is left: no container, no vb state, no
# cgroup, no mount.
#
# podman runs with storage of its own in the scratch tree (vfs), inside a
# network namespace made for this test (its bridge, NAT and published ports
# stay there), and with --cgroup-parent beneath our own cgroup.  Root lacks
# CAP_SYS_RESOURCE here, so every run passes podman's ulimits explicitly.
. "$(dirname "$0")/lib.sh"

vb_only || { plan 1; skip "$SKIP_REASON" "vb oci under podman"; exit 0; }
for tool in podman runc conmon busybox curl; do
	command -v "$tool" >/dev/null || { plan 1; skip "$tool is not installed" "vb oci under podman"; exit 0; }
done
[ "$MYUID" = 0 ] || { plan 1; skip "not running as root (the test makes a network namespace)" "vb oci under podman"; exit 0; }
BUSYBOX=$(command -v busybox)
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' ||
	{ plan 1; skip "busybox is not busybox-static" "vb oci under podman"; exit 0; }

TO=${VB_OCI_TIMEOUT:-180}
U=(--ulimit nofile=1024:1024 --ulimit nproc=4096:4096)
IMG=localhost/vbtest-busybox:oci
NS=vbtest-oci-$$
CG_SELF=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' /proc/self/cgroup)
[ "$CG_SELF" = / ] && CG_SELF=
CG_PARENT=$CG_SELF/vbtest-oci-$$

# The network namespace first: ip netns add makes /run/netns a shared mount.
ip netns add "$NS" || bail "ip netns add $NS"
# Gone however the test ends (lib.sh's cleanup keeps the exit status).
trap '_st=$?; ip netns del "$NS" 2>/dev/null; (exit $_st); _vbt_cleanup' EXIT
ip netns exec "$NS" ip link set lo up
residue_snap
# The runtime under test, where the test user can run it; vb-oci by name.
mkdir -p "$T/oci"
cp "$T/bin/$PROG" "$T/oci/vb"  # $VB itself may be under the /tmp lib.sh hid
if [ -n "${VB_SAN_CFLAGS:-}" ]; then
	# podman and conmon do not pass our environment on: a sanitizer build
	# gets its options from a wrapper (LeakSanitizer is not what this is for).
	printf '#!/bin/bash\nexport ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1\nexec -a vb-oci "%s" "$@"\n' \
		"$T/oci/vb" >"$T/oci/vb-oci"
	chmod 755 "$T/oci/vb-oci"
else
	ln -s vb "$T/oci/vb-oci"
fi
chmod 755 "$T/oci" "$T/oci/vb"
VBOCI=$T/oci/vb-oci

# The image: busybox-static and its links, /etc/passwd and /etc/group.
R=$T/oci/rootfs
mkdir -p "$R/bin" "$R/etc" "$R/proc" "$R/sys" "$R/dev" "$R/tmp" "$R/www"
cp "$BUSYBOX" "$R/bin/busybox"
for c in $("$BUSYBOX" --list); do [ "$c" = busybox ] || ln -s busybox "$R/bin/$c"; done
echo 'root:x:0:0:root:/:/bin/sh' >"$R/etc/passwd"
echo 'root:x:0:' >"$R/etc/group"
echo 'served by the container' >"$R/www/index.html"
tar -C "$R" -cf "$T/oci/rootfs.tar" .
chmod 644 "$T/oci/rootfs.tar"

# A seccomp profile: everything allowed but mkdir and mkdirat (EPERM).
cat >"$T/oci/seccomp.json" <<'EOF'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  "syscalls": [ { "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 } ] }
EOF
chmod 644 "$T/oci/seccomp.json"
mkdir -p "$T/oci/vol"
echo 'from the host' >"$T/oci/vol/f"
chmod 777 "$T/oci/vol"


cleanup_oci() {
	for m in root user; do
		[ -n "${PODMAN_READY[$m]:-}" ] && pod "$m" rm -af -t 0 >/dev/null 2>&1
	done
	# Rootless podman's pause process, which holds its user namespace.
	# Only while that pid is still it (its comm is "podman pause").
	for f in $(find "$T/oci" -name pause.pid 2>/dev/null); do
		p=$(cat "$f")
		[ -n "$p" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "podman pause" ] && kill -9 "$p"
	done
	rm -rf "$T/oci" /dev/shm/libpod_lock "/dev/shm/libpod_rootless_lock_$TUID"
	for d in $(cg_dirs); do find "$d" -depth -type d -exec rmdir {} + 2>/dev/null; done
}
# cg_dirs: our --cgroup-parent in each hierarchy.
cg_dirs() {
	awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) ~ /^cgroup2?$/) print $5 }' /proc/self/mountinfo |
		while read -r m; do [ -d "$m$CG_PARENT" ] && echo "$m$CG_PARENT"; done
}

user_tun() { setpriv --reuid="$TUID" --regid="$TGID" --clear-groups -- sh -c ': <>/dev/net/tun' 2>/dev/null; }

declare -A PODMAN_READY=()
# pod MODE ARGS...: podman as MODE's user, with its own storage and config.
pod() {
	local m=$1
	shift
	local base=$T/oci/podman-$m
	if [ "$m" = root ]; then
		timeout -k 5 "$TO" nsenter --net=/run/netns/"$NS" -- env HOME="$base/home" XDG_CONFIG_HOME="$base/home/.config" \
			podman --root "$base/store" --runroot "$base/run" --storage-driver vfs \
			--cgroup-manager cgroupfs --events-backend none --tmpdir "$base/tmp" "$@"
	else
		timeout -k 5 "$TO" nsenter --net=/run/netns/"$NS" -- setpriv --reuid="$TUID" --regid="$TGID" --clear-groups -- \
			env HOME="$base/home" XDG_CONFIG_HOME="$base/home/.config" XDG_RUNTIME_DIR="$base/xdg" \
			podman --root "$base/store" --runroot "$base/run" --storage-driver vfs \
			--cgroup-manager cgroupfs --events-backend none --tmpdir "$base/tmp" "$@"
	fi
}

setup_podman() {
	local m=$1 base=$T/oci/podman-$1
	mkdir -p "$base/home/.config/containers" "$base/xdg" "$base/tmp" "$base/store" "$base/run"
	chmod 700 "$base/xdg"
	# No pause image to pull: podman would reach the network for one.
	# Rootless networking is slirp4netns, which needs /dev/net/tun.
	local netns=bridge
	[ "$m" = user ] && ! user_tun && netns=none
	printf '[containers]\nnetns = "%s"\n' "$netns" >"$base/home/.config/containers/containers.conf"
	[ "$m" = user ] && chown -R "$TUID:$TGID" "$base"
	pod "$m" import "$T/oci/rootfs.tar" "$IMG" >"$T/io/import.out" 2>"$T/io/import.err" || {
		diag "podman import ($m): $(tail -3 "$T/io/import.err")"
		return 1
	}
	PODMAN_READY[$m]=1
}

# same MODE DESC PODMAN-ARGS...: the podman command with runc and with vb;
# passes when stdout (CRs dropped) and the exit status agree, and prints
# them.  $out_runc/$out_vb/$rc_runc/$rc_vb for more checks.
same() {
	local m=$1 d=$2
	shift 2
	pod "$m" --runtime "$(command -v runc)" "$@" >"$T/io/runc.out" 2>"$T/io/runc.err"
	rc_runc=$?
	pod "$m" --runtime "$VBOCI" "$@" >"$T/io/vb.out" 2>"$T/io/vb.err"
	rc_vb=$?
	out_runc=$(tr -d '\r' <"$T/io/runc.out")
	out_vb=$(tr -d '\r' <"$T/io/vb.out")
	# podman's own failures (125: podman, 126/127: the runtime) compare
	# equal but test nothing.
	if [ "$rc_runc" -lt 125 ] && [ "$rc_runc" = "$rc_vb" ] && [ "$out_runc" = "$out_vb" ] && [ "$rc_vb" != 124 ] && [ "$rc_vb" != 137 -o -n "${ALLOW_137:-}" ]; then
		ok "$d [$m]"
		return 0
	fi
	not_ok "$d [$m]"
	diag "podman $*"
	diag "runc: status $rc_runc, stdout: $out_runc"
	diag "runc stderr: $(tail -3 "$T/io/runc.err")"
	diag "vb:   status $rc_vb, stdout: $out_vb"
	diag "vb stderr: $(tail -3 "$T/io/vb.err")"
	[ "$rc_vb" = 124 ] && diag "podman --runtime vb-oci did not finish within ${TO}s"
	return 1
}

# A container running sleep, through RT, named NAME: for exec, stop, kill.
detached() {
	local m=$1 rt=$2 name=$3
	shift 3
	pod "$m" --runtime "$rt" run -d --name "$name" "${U[@]}" "$@" >/dev/null 2>"$T/io/detached.err"
}

# pair MODE DESC FN: FN RUNTIME NAME prints what it saw; both runtimes agree.
pair() {
	local m=$1 d=$2 fn=$3 o_runc o_vb
	o_runc=$("$fn" "$m" "$(command -v runc)" "vbt-runc-$_tn" 2>&1)
	o_vb=$("$fn" "$m" "$VBOCI" "vbt-vb-$_tn" 2>&1)
	if [ "$o_runc" = "$o_vb" ] && [ -n "$o_vb" ]; then
		ok "$d [$m]"
	else
		not_ok "$d [$m]"
		diag "runc: $o_runc"
		diag "vb:   $o_vb"
	fi
}

exec_case() {
	local m=$1 rt=$2 n=$3
	detached "$m" "$rt" "$n" "$IMG" sleep 1000 || { echo "run -d failed: $(tail -2 "$T/io/detached.err")"; return; }
	pod "$m" --runtime "$rt" exec "$n" sh -c 'echo in $(hostname | wc -c); cat /proc/1/cmdline | tr "\0" " "; echo'
	echo "exec status $?"
	pod "$m" --runtime "$rt" exec "$n" sh -c 'exit 5'
	echo "exec status $?"
	pod "$m" --runtime "$rt" exec -t "$n" sh -c '[ -t 0 ] && [ -t 1 ] && echo exec tty' | tr -d '\r'
	pod "$m" --runtime "$rt" stop -t 1 "$n" >/dev/null 2>&1
	pod "$m" --runtime "$rt" inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$n"
	pod "$m" --runtime "$rt" rm "$n" >/dev/null
}

kill_case() {
	local m=$1 rt=$2 n=$3
	detached "$m" "$rt" "$n" "$IMG" sh -c 'trap "exit 42" TERM; while :; do sleep 0.1; done' || { echo "run -d failed"; return; }
	sleep 0.5
	pod "$m" --runtime "$rt" kill -s TERM "$n" >/dev/null
	pod "$m" --runtime "$rt" wait "$n"
	pod "$m" --runtime "$rt" rm "$n" >/dev/null
	detached "$m" "$rt" "$n" "$IMG" sleep 1000 || { echo "run -d failed"; return; }
	pod "$m" --runtime "$rt" kill -s KILL "$n" >/dev/null
	pod "$m" --runtime "$rt" wait "$n"
	pod "$m" --runtime "$rt" rm "$n" >/dev/null
}

port_case() {
	local m=$1 rt=$2 n=$3 i
	detached "$m" "$rt" "$n" -p 127.0.0.1:18080:80 "$IMG" httpd -f -p 80 -h /www ||
		{ echo "run -d failed: $(tail -2 "$T/io/detached.err")"; return; }
	for i in $(seq 50); do
		nsenter --net=/run/netns/"$NS" -- curl -s --max-time 2 http://127.0.0.1:18080/ 2>/dev/null && break
		sleep 0.2
	done
	pod "$m" --runtime "$rt" rm -f -t 0 "$n" >/dev/null
}

run_mode_cases() {
	local m=$1
	same "$m" "run: output and exit status" run --rm "${U[@]}" "$IMG" sh -c 'echo hello; id; exit 3'
	same "$m" "run: the environment, cwd and hostname podman asks for" \
		run --rm "${U[@]}" -e FOO=bar -w /tmp --hostname box "$IMG" sh -c 'echo $FOO $(pwd) $(hostname)'
	same "$m" "run -t: stdin and stdout are a terminal" \
		run --rm -t "${U[@]}" "$IMG" sh -c '[ -t 0 ] && [ -t 1 ] && echo terminal'
	pair "$m" "exec into a running container, exec -t; stop" exec_case
	pair "$m" "kill -s TERM (trapped) and kill -s KILL: the status podman reports" kill_case
	same "$m" "--cap-drop all: every set empty" run --rm "${U[@]}" --cap-drop all "$IMG" grep ^Cap /proc/self/status
	same "$m" "--cap-drop CHOWN,NET_RAW --cap-add SYS_ADMIN: the sets" \
		run --rm "${U[@]}" --cap-drop CHOWN,NET_RAW --cap-add SYS_ADMIN "$IMG" grep ^Cap /proc/self/status
	same "$m" "--security-opt seccomp=FILE: mkdir is EPERM" \
		run --rm "${U[@]}" --security-opt seccomp="$T/oci/seccomp.json" "$IMG" sh -c 'mkdir /tmp/d; echo mkdir $?; ls / >/dev/null && echo ls ok'
	same "$m" "mount flags of /proc, /sys, /proc/sys, /dev/mqueue, /dev/shm" \
		run --rm "${U[@]}" "$IMG" sh -c 'grep -E " /(proc|sys|proc/sys|dev/mqueue|dev/shm) " /proc/self/mountinfo | cut -d" " -f5,6 | sort'
	same "$m" "noexec: a binary copied to /dev/shm does not run" \
		run --rm "${U[@]}" "$IMG" sh -c 'cp /bin/busybox /dev/shm/x; /dev/shm/x true 2>/dev/null; echo $?'
	same "$m" "--read-only: / refuses writes, /tmp is writable" \
		run --rm "${U[@]}" --read-only "$IMG" sh -c 'touch /x; echo root $?; touch /tmp/x; echo tmp $?'
	same "$m" "-v DIR:/vol and -v DIR:/ro:ro" \
		run --rm "${U[@]}" -v "$T/oci/vol:/vol" -v "$T/oci/vol:/ro:ro" "$IMG" \
		sh -c "cat /vol/f; echo x >/vol/w-$m && echo rw ok; echo x >/ro/x || echo ro refused"
	rm -f "$T/oci/vol/w-$m"
	if [ "$m" = root ]; then
		ALLOW_137=1 same "$m" "--memory 32m: a 100 MiB tmpfs file is OOM-killed (137)" \
			run --rm "${U[@]}" --memory 32m --memory-swap 32m --tmpfs /big:size=200m "$IMG" \
			sh -c 'dd if=/dev/zero of=/big/f bs=1M count=100 2>/dev/null; echo survived'
		same "$m" "--memory 64m --pids-limit 50: the container sees its own cgroup's limits" \
			run --rm "${U[@]}" --memory 64m --pids-limit 50 "$IMG" \
			sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max; cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max'
		same "$m" "--pids-limit 10: forks stop at the limit" \
			run --rm "${U[@]}" --pids-limit 10 "$IMG" \
			sh -c 'n=0; for i in $(seq 20); do sleep 30 2>/dev/null & [ $? = 0 ] && n=$((n + 1)); done; sleep 0.5; echo $(ps -o pid= 2>/dev/null | wc -l) processes; kill $(jobs -p) 2>/dev/null; exit 0'
	else
		skip "rootless podman on cgroup v1 applies no limits (for either runtime)" "--memory [user]"
		skip "rootless podman on cgroup v1 applies no limits (for either runtime)" "--pids-limit [user]"
		skip "rootless podman on cgroup v1 applies no limits (for either runtime)" "cgroup files [user]"
	fi
	if [ "$m" = user ] && ! user_tun; then
		skip "/dev/net/tun is not usable by $TUSER: no slirp4netns, no rootless networking" "-p 18080:80 [user]"
	else
		pair "$m" "-p 127.0.0.1:18080:80 with podman's networking: httpd answers" port_case
	fi
}

plan 35
for m in root user; do
	if [[ " $VB_TEST_MODES " != *" $m "* ]]; then
		for _ in $(seq 16); do skip "not selected (VB_TEST_MODES=$VB_TEST_MODES)" "podman [$m]"; done
		continue
	fi
	if [ "$m" = user ] && ! mode_available user; then
		for _ in $(seq 16); do skip "${MODE_SKIP[user]}" "podman [$m]"; done
		continue
	fi
	if [ "$m" = user ] && ! grep -q "^$TUSER:" /etc/subuid; then
		for _ in $(seq 16); do skip "$TUSER has no /etc/subuid range (rootless podman needs one)" "podman [$m]"; done
		continue
	fi
	if ! setup_podman "$m"; then
		for _ in $(seq 16); do skip "podman cannot import an image here ($m)" "podman [$m]"; done
		continue
	fi
	run_mode_cases "$m"
done

# Refusals through podman: one line, and nothing left.
if [ -n "${PODMAN_READY[root]:-}" ]; then
	pod root --runtime "$VBOCI" run --rm "${U[@]}" --cpuset-cpus 0 "$IMG" true \
		>"$T/io/out" 2>"$T/io/err"
	rc=$?
	if [ "$rc" != 0 ] && grep -q "vb-oci: " "$T/io/err"; then ok "a refused config: podman fails with vb's one-line message"; else
		not_ok "a refused config: podman fails with vb's one-line message"; diag "status $rc: $(cat "$T/io/err")"; fi
else
	skip "podman is not usable as root here" "a refused config"
fi

# Nothing left: no container, no vb state, no cgroup below the parent.
left=
for m in root user; do
	[ -n "${PODMAN_READY[$m]:-}" ] || continue
	[ -z "$(pod "$m" ps -aq)" ] || left="$left containers($m)"
done
for d in /run/vb/* "$T"/oci/podman-user/xdg/vb/*; do [ -e "$d" ] && left="$left $d"; done
for d in $(cg_dirs); do
	sub=$(find "$d" -mindepth 1 -type d -name 'vb-*' 2>/dev/null)
	[ -z "$sub" ] || left="$left $sub"
done
if [ -z "$left" ]; then ok "nothing left: containers, vb state, vb cgroups"; else not_ok "nothing left"; diag "left:$left"; fi
cleanup_oci
if residue_check; then ok "no residue: mounts, processes, fds"; else not_ok "no residue: mounts, processes, fds"; fi
ip netns del "$NS" 2>/dev/null
