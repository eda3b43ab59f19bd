#!/bin/bash
# vb oci without podman: each command of the runtime on a bundle of
# busybox-static, as root and as an ordinary user (a user namespace with
# config.json's uidMappings, written through newuidmap): run, create /
# start / state / kill / delete, list, ps, exec, hooks, --log-format json,
# the refusals (one line, exit 1) and nothing left behind by any of them.
. "$(dirname "$0")/lib.sh"

vb_only || { plan 1; skip "$SKIP_REASON" "vb oci"; exit 0; }
BUSYBOX=$(command -v busybox)
[ -n "$BUSYBOX" ] && file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' ||
	{ plan 1; skip "busybox-static is not installed" "vb oci"; exit 0; }

TO=60
residue_snap
mkdir -p "$T/oci"
cp "$T/bin/$PROG" "$T/oci/vb"  # $VB itself may be under the /tmp lib.sh hid
chmod 755 "$T/oci" "$T/oci/vb"
VBO=$T/oci/vb

# bundle MODE ARGS...: $T/oci/b-MODE, running ARGS.
bundle() {
	local m=$1 b=$T/oci/b-$1
	shift
	mkdir -p "$b/rootfs/bin" "$b/rootfs/proc" "$b/rootfs/dev" "$b/rootfs/tmp" "$b/rootfs/etc"
	[ -e "$b/rootfs/bin/busybox" ] || {
		cp "$BUSYBOX" "$b/rootfs/bin/busybox"
		for c in sh echo cat id sleep ps ls hostname true; do ln -sf busybox "$b/rootfs/bin/$c"; done
	}
	"$PY" - "$b/config.json" "$m" "$TUID" "$TGID" "$@" <<'EOF'
import json, sys
path, mode, uid, gid, args = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]
ns = [{"type": t} for t in ("pid", "ipc", "uts", "mount")]
c = {
    "ociVersion": "1.0.2",
    "process": {"terminal": False, "user": {"uid": 0, "gid": 0}, "args": args,
                "env": ["PATH=/bin", "HOME=/"], "cwd": "/",
                "capabilities": {k: ["CAP_KILL", "CAP_NET_BIND_SERVICE"]
                                 for k in ("bounding", "effective", "permitted")},
                "noNewPrivileges": True},
    "root": {"path": "rootfs", "readonly": False},
    "hostname": "oci-test",
    "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
               {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
                "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
               {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["mode=1777"]}],
    "linux": {"namespaces": ns, "maskedPaths": ["/proc/kcore"], "readonlyPaths": ["/proc/sys"]},
}
if mode == "user":
    ns.append({"type": "user"})
    c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": uid, "size": 1}]
    c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": gid, "size": 1}]
json.dump(c, open(path, "w"))
EOF
	[ "$m" = user ] && chown -R "$TUID:$TGID" "$b"
	chmod -R a+rX "$b"
	echo "$b"
}

mkdir -p "$T/oci/xdg"
chown "$TUID:$TGID" "$T/oci/xdg"
chmod 700 "$T/oci/xdg"
# vbo MODE ARGS...: vb oci as MODE's user, its state in --root.
vbo() {
	local m=$1
	shift
	if [ "$m" = root ]; then
		timeout -k 5 "$TO" "$VBO" oci --root "$T/oci/state-root" "$@"
	else
		timeout -k 5 "$TO" "${AS_USER[@]}" env XDG_RUNTIME_DIR="$T/oci/xdg" "$VBO" oci "$@"
	fi
}
wdir() { if [ "$1" = root ]; then echo "$T/oci"; else echo "$T/oci/xdg"; fi; }
state_dir() { if [ "$1" = root ]; then echo "$T/oci/state-root"; else echo "$T/oci/xdg/vb"; fi; }
field() { "$PY" -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

t_run() {
	local b
	b=$(bundle "$1" sh -c 'echo out; id -u; hostname; exit 3')
	vbo "$1" run --bundle "$b" r1 >"$T/io/out" 2>"$T/io/err"
	local rc=$?
	[ "$rc" = 3 ] && [ "$(cat "$T/io/out")" = "$(printf 'out\n0\noci-test')" ] &&
		[ ! -e "$(state_dir "$1")/r1" ] || { diag "status $rc: $(cat "$T/io/out" "$T/io/err")"; return 1; }
}

t_lifecycle() {
	local m=$1 b pid st
	b=$(bundle "$m" sleep 1000)
	vbo "$m" create --bundle "$b" --pid-file "$(wdir "$m")/pid" c1 2>"$T/io/err" || { diag "create: $(cat "$T/io/err")"; return 1; }
	st=$(vbo "$m" state c1)
	pid=$(cat "$(wdir "$m")/pid")
	[ "$(field status <<<"$st")" = created ] && [ "$(field pid <<<"$st")" = "$pid" ] ||
		{ diag "after create: $st"; return 1; }
	[ "$(cat "/proc/$pid/comm")" != sleep ] || { diag "the command ran before start"; return 1; }
	vbo "$m" list -q | grep -qx c1 || { diag "list: $(vbo "$m" list)"; return 1; }
	vbo "$m" start c1 || return 1
	for _ in $(seq 50); do [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sleep ] && break; sleep 0.1; done
	st=$(vbo "$m" state c1)
	[ "$(field status <<<"$st")" = running ] || { diag "after start: $st"; return 1; }
	vbo "$m" ps --format json c1 | grep -q "$pid" || { diag "ps: $(vbo "$m" ps --format json c1)"; return 1; }
	# pause/resume: the cgroup v2 freezer where the container has a v2
	# cgroup, else a one-line refusal.
	if vbo "$m" pause c1 2>"$T/io/err"; then
		[ "$(vbo "$m" state c1 | field status)" = paused ] && vbo "$m" resume c1 &&
			[ "$(vbo "$m" state c1 | field status)" = running ] || { diag "pause/resume"; return 1; }
	else
		[ "$(wc -l <"$T/io/err")" = 1 ] && grep -q "^vb: pause: container c1 has no cgroup v2 freezer" "$T/io/err" ||
			{ diag "pause: $(cat "$T/io/err")"; return 1; }
	fi
	vbo "$m" delete c1 2>"$T/io/err" && { diag "delete of a running container succeeded"; return 1; }
	grep -qx "vb: cannot delete container c1 that is not stopped: running" "$T/io/err" ||
		{ diag "delete: $(cat "$T/io/err")"; return 1; }
	vbo "$m" kill c1 KILL || return 1
	for _ in $(seq 50); do [ "$(vbo "$m" state c1 | field status)" = stopped ] && break; sleep 0.1; done
	st=$(vbo "$m" state c1)
	[ "$(field status <<<"$st")" = stopped ] && [ "$(field pid <<<"$st")" = 0 ] || { diag "after kill: $st"; return 1; }
	vbo "$m" kill c1 KILL 2>"$T/io/err" && return 1
	grep -qx "vb: container c1 is not running" "$T/io/err" || { diag "kill: $(cat "$T/io/err")"; return 1; }
	vbo "$m" delete c1 || return 1
	[ ! -e "$(state_dir "$m")/c1" ] && [ -z "$(vbo "$m" list -q)" ] || { diag "left: $(ls "$(state_dir "$m")")"; return 1; }
}

t_force() {
	local m=$1 b
	b=$(bundle "$m" sleep 1000)
	vbo "$m" create --bundle "$b" f1 || return 1
	vbo "$m" delete f1 || { diag "delete of a created container"; return 1; }
	vbo "$m" run -d --bundle "$b" f2 || return 1
	vbo "$m" delete --force f2 || return 1
	[ -z "$(vbo "$m" list -q)" ]
}

t_exec() {
	local m=$1 b rc
	b=$(bundle "$m" sleep 1000)
	vbo "$m" run -d --bundle "$b" e1 || return 1
	vbo "$m" exec e1 sh -c 'echo in $(hostname); cat /proc/1/comm; exit 6' >"$T/io/out" 2>"$T/io/err"
	rc=$?
	vbo "$m" kill --all e1 KILL
	vbo "$m" delete --force e1
	[ "$rc" = 6 ] && [ "$(cat "$T/io/out")" = "$(printf 'in oci-test\nsleep')" ] ||
		{ diag "status $rc: $(cat "$T/io/out" "$T/io/err")"; return 1; }
}

t_refusals() {
	local m=$1 b sd
	sd=$(state_dir "$m")
	b=$(bundle "$m" true)
	vbo "$m" state nope 2>"$T/io/err" && return 1
	grep -qx "vb: container nope does not exist" "$T/io/err" || { diag "state: $(cat "$T/io/err")"; return 1; }
	vbo "$m" create --bundle "$b" 'bad/id' 2>"$T/io/err" && return 1
	grep -qx "vb: invalid container id 'bad/id'" "$T/io/err" || { diag "id: $(cat "$T/io/err")"; return 1; }
	vbo "$m" --systemd-cgroup create --bundle "$b" x 2>"$T/io/err" && return 1
	grep -q "^vb: --systemd-cgroup is not supported" "$T/io/err" || { diag "systemd: $(cat "$T/io/err")"; return 1; }
	# A malformed config.json: one line, exit 1, no state.
	cp "$b/config.json" "$T/oci/good.json"
	echo '{ "ociVersion": "1.0.2", "root": { "path": 7 } }' >"$b/config.json"
	vbo "$m" create --bundle "$b" bad1 2>"$T/io/err"
	local rc=$?
	[ "$rc" = 1 ] && [ "$(cat "$T/io/err")" = "vb: root.path: expected a string" ] && [ ! -e "$sd/bad1" ] ||
		{ diag "malformed: status $rc: $(cat "$T/io/err")"; return 1; }
	# A setup failure in the child (a bind source that is not there).
	"$PY" - "$T/oci/good.json" "$b/config.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["mounts"].append({"destination": "/nope", "type": "bind", "source": "/nonexistent-vb-oci", "options": ["rbind"]})
json.dump(c, open(sys.argv[2], "w"))
EOF
	vbo "$m" create --bundle "$b" bad2 2>"$T/io/err"
	rc=$?
	[ "$rc" = 1 ] && [ "$(wc -l <"$T/io/err")" = 1 ] && grep -q "nonexistent-vb-oci" "$T/io/err" && [ ! -e "$sd/bad2" ] ||
		{ diag "setup failure: status $rc: $(cat "$T/io/err")"; return 1; }
	cp "$T/oci/good.json" "$b/config.json"
	vbo "$m" create --bundle "$b" dup || return 1
	vbo "$m" create --bundle "$b" dup 2>"$T/io/err"
	rc=$?
	vbo "$m" delete --force dup
	[ "$rc" = 1 ] && grep -qx "vb: container dup already exists" "$T/io/err" || { diag "dup: $(cat "$T/io/err")"; return 1; }
	# --log-format json: the error as one JSON object.
	vbo "$m" --log "$(wdir "$m")/log" --log-format json state nope 2>/dev/null
	"$PY" -c 'import json,sys; d=json.loads(open(sys.argv[1]).read().splitlines()[-1]); sys.exit(not (d["level"] == "error" and d["msg"] == "container nope does not exist"))' "$(wdir "$m")/log" ||
		{ diag "log: $(cat "$(wdir "$m")/log")"; return 1; }
}

t_hooks() {
	local m=$1 b
	b=$(bundle "$m" true)
	cat >"$T/oci/hook" <<EOF
#!/bin/sh
cat >"$T/oci/hook-\$1.json"
EOF
	chmod 755 "$T/oci/hook"
	"$PY" - "$b/config.json" "$T/oci/hook" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
h = sys.argv[2]
c["hooks"] = {k: [{"path": h, "args": ["hook", k]}] for k in ("prestart", "createRuntime", "poststart", "poststop")}
json.dump(c, open(sys.argv[1], "w"))
EOF
	vbo "$m" create --bundle "$b" h1 || return 1
	[ -s "$T/oci/hook-prestart.json" ] && [ -s "$T/oci/hook-createRuntime.json" ] && [ ! -e "$T/oci/hook-poststart.json" ] ||
		{ diag "after create: $(ls "$T/oci")"; return 1; }
	vbo "$m" start h1 || return 1
	[ "$(field status <"$T/oci/hook-poststart.json")" != created ] || return 1
	for _ in $(seq 50); do [ "$(vbo "$m" state h1 | field status)" = stopped ] && break; sleep 0.1; done
	vbo "$m" delete h1 || return 1
	[ "$(field id <"$T/oci/hook-poststop.json")" = h1 ] && [ "$(field id <"$T/oci/hook-prestart.json")" = h1 ] ||
		{ diag "hooks' state: $(cat "$T"/oci/hook-*.json)"; return 1; }
	rm -f "$T"/oci/hook*
}

t_features() {
	vbo "$1" features | "$PY" -c 'import json,sys; d=json.load(sys.stdin); sys.exit(not (d["ociVersionMax"].startswith("1.") and "user" in d["linux"]["namespaces"]))'
}

plan 16
mcase "run: output, exit status, hostname, uid 0 inside; the state is gone" t_run root user
mcase "create: the command waits; state created with the pid file's pid; list; start: running; ps; pause/resume or their refusal; delete refused while running; kill: stopped; delete" t_lifecycle root user
mcase "delete of a created container; delete --force of a running one" t_force root user
mcase "exec: a process in the container's namespaces, its status" t_exec root user
mcase "refusals: one line and exit 1, no state: unknown id, bad id, --systemd-cgroup, malformed config.json, a failing bind, a duplicate id; --log-format json" t_refusals root user
mcase "hooks: prestart and createRuntime at create, poststart at start, poststop at delete, the state on stdin" t_hooks root
mcase "features: the spec's JSON" t_features root user
for m in root user; do
	sd=$(state_dir "$m")
	rm -f "$(wdir "$m")/pid" "$(wdir "$m")/log"
	if [ -z "$(ls -A "$sd" 2>/dev/null)" ]; then ok "no state left [$m]"; else not_ok "no state left [$m]"; diag "$(ls -A "$sd")"; fi
done
rm -rf "$T/oci"
if residue_check; then ok "no residue: mounts, processes, fds, files"; else not_ok "no residue: mounts, processes, fds, files"; fi
