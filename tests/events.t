#!/bin/bash
# The --status-fd event stream: every line parses as JSON and follows the
# schema of vb-events(7), in the order a run produces them; the ids in
# "spawned" are the ones the command sees; failures, signals and timeouts
# have their events; a reader that goes away costs one warning, never the
# sandbox.
. "$(dirname "$0")/lib.sh"

vb_only || { plan 1; skip "$SKIP_REASON" "events"; exit 0; }

# check_events FILE EXPECTED_ORDER: validates every line of FILE against
# the schema and the event names against EXPECTED_ORDER (space-separated;
# "signal*" allows any number of signal events there).  Prints problems.
cat >"$T/fix/events.py" <<'EOF'
import json, re, sys

INT, STR, LIST, OBJ, NULL = int, str, list, dict, type(None)
SCHEMA = {
    "runtime_init_warnings": {"warnings": (LIST,)},
    "spawned": {"vb_pid": (INT,), "sandbox_pid": (INT,), "pid1_pid": (INT, NULL),
                "command_pid": (INT, NULL), "namespaces": (OBJ,), "cgroup": (STR, NULL)},
    "setup_finished": {"stages_us": (OBJ,), "total_us": (INT,)},
    "network": {"interface": (STR,), "addresses": (LIST,), "gateway": (STR, NULL)},
    "setup_failed": {"stage": (STR,), "errno": (INT,), "op_index": (INT, NULL), "message": (STR,)},
    "signal": {"signal": (INT,), "signal_name": (STR,), "to_pid": (INT,)},
    "oom": {"oom_kills": (INT,), "cgroup": (STR, NULL)},
    "timeout": {"signal": (INT,), "signal_name": (STR,)},
    "exited": {"reason": (STR,), "status": (INT,), "wall_us": (INT,)},
}
STAGES = ["prepare", "clone", "idmap", "cgroup", "network", "mounts", "seccomp", "exec"]
REASONS = {"exited", "signaled", "oom", "timeout", "setup-failed"}

path, order = sys.argv[1], sys.argv[2].split()
errs, names, last_ts = [], [], 0
data = open(path).read()
if data and not data.endswith("\n"):
    errs.append("the stream does not end with a newline")
for n, line in enumerate(data.splitlines(), 1):
    try:
        e = json.loads(line)
    except ValueError as x:
        errs.append("line %d is not JSON: %s: %r" % (n, x, line))
        continue
    if not isinstance(e, dict) or list(e)[:3] != ["v", "event", "ts_us"]:
        errs.append("line %d does not start with v, event, ts_us: %r" % (n, line))
        continue
    if e["v"] != 1:
        errs.append("line %d: v is %r" % (n, e["v"]))
    ev = e["event"]
    names.append(ev)
    if not isinstance(e["ts_us"], int) or e["ts_us"] < last_ts:
        errs.append("line %d: ts_us %r goes backwards" % (n, e["ts_us"]))
    else:
        last_ts = e["ts_us"]
    if ev not in SCHEMA:
        errs.append("line %d: unknown event %r" % (n, ev))
        continue
    for k, types in SCHEMA[ev].items():
        if k not in e or not isinstance(e[k], types) or isinstance(e[k], bool):
            errs.append("line %d (%s): %s is %r" % (n, ev, k, e.get(k, "missing")))
    if ev == "setup_finished" and list(e["stages_us"]) != STAGES:
        errs.append("setup_finished stages %r" % list(e["stages_us"]))
    if ev == "setup_finished" and sum(e["stages_us"].values()) != e["total_us"]:
        # Each stage is rounded down separately.
        if abs(sum(e["stages_us"].values()) - e["total_us"]) > len(STAGES):
            errs.append("setup_finished: stages do not add up to total_us")
    if ev == "exited":
        if e["reason"] not in REASONS:
            errs.append("exited: reason %r" % e["reason"])
        if ("exit_code" in e) == ("signal" in e):
            errs.append("exited: exactly one of exit_code and signal")
    if ev == "runtime_init_warnings" and not all(isinstance(w, str) for w in e["warnings"]):
        errs.append("warnings must be strings")
    print("%s %s" % (ev, json.dumps(e, separators=(",", ":"))), file=open(path + ".by-name", "a"))
pat = "^" + "".join("(%s )*" % re.escape(o[:-1]) if o.endswith("*") else re.escape(o) + " "
                    for o in order) + "$"
if not re.match(pat, "".join(x + " " for x in names)):
    errs.append("events %s, want %s" % (" ".join(names), " ".join(order)))
for x in errs:
    print(x)
sys.exit(1 if errs else 0)
EOF
check_events() {
	local r
	rm -f "$1.by-name"
	r=$("$PY" "$T/fix/events.py" "$1" "$2") || { diag "$r"; diag "$(cat "$1")"; return 1; }
}
# field FILE EVENT KEY: a value of the first EVENT line (JSON text).
field() {
	"$PY" -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["event"] == sys.argv[2]:
        v = e
        for k in sys.argv[3].split("."):
            v = v[k]
        print(json.dumps(v) if not isinstance(v, str) else v)
        break' "$@"
}

SBP=("${SB[@]}" --proc /proc)

t_normal() {
	residue_snap
	rm -f "$T/io/ev"
	run_mode "$1" -- "${SBP[@]}" --status-fd 3 sh -c 'readlink /proc/self/ns/mnt; exit 3' 3>"$T/io/ev"
	expect_rc 3 || return 1
	check_events "$T/io/ev" "runtime_init_warnings spawned setup_finished exited" || return 1
	[ "$(field "$T/io/ev" exited exit_code)" = 3 ] && [ "$(field "$T/io/ev" exited reason)" = exited ] ||
		{ diag "exited: $(grep exited "$T/io/ev")"; return 1; }
	# The namespace the command saw is the one the event names.
	[ "$out" = "mnt:[$(field "$T/io/ev" spawned namespaces.mnt)]" ] ||
		{ diag "mnt namespace: command saw $out"; return 1; }
	residue_check
}
mcase "a run: warnings, spawned, setup_finished, exited; schema and ids" t_normal

t_pid1() {
	rm -f "$T/io/ev"
	run_mode "$1" -- "${SBP[@]}" --unshare-pid --status-fd 3 sh -c 'echo $$; kill -KILL $$' 3>"$T/io/ev"
	# The command is pid 2: vb's PID 1 is 1.
	expect_rc 137 && expect_out 2 || return 1
	check_events "$T/io/ev" "runtime_init_warnings spawned setup_finished exited" || return 1
	local p1 cmd
	p1=$(field "$T/io/ev" spawned pid1_pid) cmd=$(field "$T/io/ev" spawned command_pid)
	[ "$p1" = "$(field "$T/io/ev" spawned sandbox_pid)" ] && [ "$cmd" != null ] && [ "$cmd" != "$p1" ] ||
		{ diag "pid1 $p1, command $cmd"; return 1; }
	# PID 1 reports the command's signal as 128+N; the status is vb's.
	[ "$(field "$T/io/ev" exited status)" = 137 ] || { diag "$(grep exited "$T/io/ev")"; return 1; }
}
mcase "with PID 1: its pid and the command's differ; the status is 137" t_pid1

# The ids in "spawned" come from the command itself, before its exec: with
# vb's PID 1 too, and as an ordinary user, whose PID 1 is not readable.
t_pid1_ns() {
	local n want got
	rm -f "$T/io/ev"
	run_mode "$1" -- "${SBP[@]}" --unshare-pid --status-fd 3 sh -c \
		'for n in cgroup ipc mnt net pid user uts; do readlink /proc/self/ns/$n; done' 3>"$T/io/ev"
	expect_rc 0 || return 1
	want=$(printf '%s\n' "$out" | sed 's/^\([a-z]*\):\[\([0-9]*\)\]$/\1 \2/')
	got=$(for n in cgroup ipc mnt net pid user uts; do echo "$n $(field "$T/io/ev" spawned namespaces.$n)"; done)
	[ "$got" = "$want" ] || { diag "spawned namespaces: $got"; diag "the command saw: $want"; return 1; }
}
mcase "with PID 1: spawned names every namespace the command is in" t_pid1_ns

# 200 short runs of true, half of them with vb's PID 1: every spawned
# event is complete (seven namespaces, the command's pid).  Reading them
# from /proc after the fact raced the command's exit.
cat >"$T/fix/spawned.py" <<'EOF'
import json, os, sys

NS = ["cgroup", "ipc", "mnt", "net", "pid", "user", "uts"]
bad = []
for f in sorted(os.listdir(sys.argv[1]), key=int):
    evs = [json.loads(l) for l in open(os.path.join(sys.argv[1], f))]
    sp = [e for e in evs if e["event"] == "spawned"]
    if len(sp) != 1:
        bad.append("run %s: %d spawned events" % (f, len(sp)))
        continue
    e, pid1 = sp[0], int(f) % 2 == 0
    if sorted(e["namespaces"]) != NS or not all(isinstance(v, int) and v > 0 for v in e["namespaces"].values()):
        bad.append("run %s: namespaces %r" % (f, e["namespaces"]))
    c = e["command_pid"]
    if not isinstance(c, int) or c <= 0:
        bad.append("run %s: command_pid %r" % (f, c))
    elif pid1 and (c == e["sandbox_pid"] or e["pid1_pid"] != e["sandbox_pid"]):
        bad.append("run %s (PID 1): command %r, PID 1 %r" % (f, c, e["pid1_pid"]))
    elif not pid1 and c != e["sandbox_pid"]:
        bad.append("run %s: command %r, sandbox %r" % (f, c, e["sandbox_pid"]))
print("%d of %d runs incomplete" % (len(bad), len(os.listdir(sys.argv[1]))))
for b in bad[:10]:
    print(b)
sys.exit(1 if bad else 0)
EOF
t_spawned_always() {
	local i d=$T/io/evs extra
	rm -rf "$d" && mkdir "$d" || return 1
	mode_prefix "$1"
	LAST_CMD="[$1] $PROG ${SBP[*]} [--unshare-pid] --status-fd 3 true (200 times)"
	for i in $(seq 200); do
		extra=()
		[ $((i % 2)) = 0 ] && extra=(--unshare-pid)
		timeout -k 5 30 "${MODE_CMD[@]}" "${SBP[@]}" "${extra[@]}" --status-fd 3 true \
			3>"$d/$i" </dev/null >"$T/io/out" 2>"$T/io/err"
		rc=$?
		[ $rc = 0 ] || { err=$(cat "$T/io/err"); diag "run $i of 200 (status $rc; 124: timed out)"; return 1; }
	done
	out=$("$PY" "$T/fix/spawned.py" "$d") || { diag "$out"; return 1; }
}
mcase "200 runs of true: each spawned event has its namespaces and command_pid" t_spawned_always

# --net bridge: the whole order, network between runtime_init_warnings and
# spawned, as vb-events(7) gives it (it came first).  In a network namespace
# of the test's own, with a private /run for the lease.
t_network_order() {
	rm -f "$T/io/ev"
	LAST_CMD="[root, unshare --net] $PROG ${SBP[*]} --net bridge --status-fd 3 true"
	timeout -k 5 60 unshare --net --mount --propagation private sh -c \
		'mount -t tmpfs vbtest-run /run && ip link set lo up && exec "$@"' sh \
		"$VB_BIN" "${SBP[@]}" --net bridge --status-fd 3 true \
		3>"$T/io/ev" </dev/null >"$T/io/out" 2>"$T/io/err"
	rc=$? out=$(cat "$T/io/out") err=$(cat "$T/io/err")
	# (stderr may say that vb enabled ip_forward in the new namespace)
	expect_rc 0 || return 1
	check_events "$T/io/ev" "runtime_init_warnings network spawned setup_finished exited" || return 1
	[ "$(field "$T/io/ev" network interface)" = eth0 ] || { diag "$(grep network "$T/io/ev")"; return 1; }
}
mcase "--net bridge: warnings, network, spawned, setup_finished, exited in that order" t_network_order root

t_signaled() {
	rm -f "$T/io/ev"
	run_mode "$1" -- "${SBP[@]}" --status-fd 3 sh -c 'kill -KILL $$' 3>"$T/io/ev"
	expect_rc 137 || return 1
	check_events "$T/io/ev" "runtime_init_warnings spawned setup_finished exited" || return 1
	[ "$(field "$T/io/ev" exited reason)" = signaled ] && [ "$(field "$T/io/ev" exited signal)" = 9 ] &&
		[ "$(field "$T/io/ev" exited signal_name)" = KILL ] ||
		{ diag "$(grep exited "$T/io/ev")"; return 1; }
}
mcase "a command killed by a signal: exited reason signaled, signal 9" t_signaled

t_setup_failed() {
	residue_snap
	rm -f "$T/io/ev"
	run_mode "$1" -- "${SBP[@]}" --status-fd 3 --ro-bind /nonexistent /x true 3>"$T/io/ev"
	expect_fail "Can't find source path /nonexistent: No such file or directory" || return 1
	check_events "$T/io/ev" "runtime_init_warnings* setup_failed exited" || return 1
	[ "$(field "$T/io/ev" setup_failed message)" = "Can't find source path /nonexistent" ] &&
		[ "$(field "$T/io/ev" setup_failed errno)" = 2 ] &&
		[ "$(field "$T/io/ev" setup_failed stage)" = mount ] &&
		[ "$(field "$T/io/ev" exited reason)" = setup-failed ] ||
		{ diag "$(cat "$T/io/ev")"; return 1; }
	residue_check
}
mcase "a failed setup: setup_failed with the error record, exited setup-failed" t_setup_failed

# A path that is not UTF-8 (issue 12): every line of the stream is still
# UTF-8 and JSON, each byte outside a well-formed sequence is the escape
# \u00XX of its value (vb-events(7), STRINGS), well-formed UTF-8 is kept.
# The path: é (kept), ff fe (bytes no UTF-8 has), c3 before 'x' (a cut
# sequence), c0 af (overlong '/'), ed a0 80 (a surrogate), f4 90 80 80
# (above U+10FFFF).
t_non_utf8_path() {
	local bad=$'/nonexistent/\xc3\xa9\xff\xfe\xc3x\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80'
	rm -f "$T/io/ev"
	run_mode "$1" -- "${SBP[@]}" --status-fd 3 --ro-bind "$bad" /x true 3>"$T/io/ev"
	expect_rc 1 || return 1
	"$PY" - "$T/io/ev" <<'PYEOF' || { diag "$(od -c "$T/io/ev" | head -20)"; return 1; }
import json, sys
want = ("Can't find source path /nonexistent/\u00e9\u00ff\u00fe\u00c3x\u00c0\u00af"
        "\u00ed\u00a0\u0080\u00f4\u0090\u0080\u0080")
raw = open(sys.argv[1], "rb").read()
lines = raw.splitlines()
ok = bool(lines)
for n, line in enumerate(lines, 1):
    try:
        e = json.loads(line.decode("utf-8"))
    except ValueError as x:
        print("# line %d: %s: %r" % (n, x, line))
        ok = False
        continue
    if e["event"] == "setup_failed" and e["message"] != want:
        print("# setup_failed message %r, want %r" % (e["message"], want))
        ok = False
if b"\xc3\xa9" not in raw or b"\\u00ff\\u00fe\\u00c3x" not in raw:
    print("# not the bytes expected: %r" % raw)
    ok = False
sys.exit(0 if ok else 1)
PYEOF
}
mcase "a path that is not UTF-8: every event line is UTF-8 and JSON, bad bytes escaped" t_non_utf8_path

t_exec_failed() {
	rm -f "$T/io/ev"
	run_mode "$1" -- "${SBP[@]}" --status-fd 3 /nonexistent 3>"$T/io/ev"
	expect_fail "execvp /nonexistent: No such file or directory" || return 1
	check_events "$T/io/ev" "runtime_init_warnings* setup_failed exited" &&
		[ "$(field "$T/io/ev" setup_failed stage)" = exec ]
}
mcase "a failed exec: setup_failed stage exec" t_exec_failed

t_signal_event() {
	local pid i
	mode_prefix "$1"
	# Emptied here, not by the redirection in the child: the loop below
	# would see the last case's "ready" and signal the shell before exec.
	rm -f "$T/io/ev"; : >"$T/io/out"
	"${MODE_CMD[@]}" "${SBP[@]}" --unshare-pid --status-fd 3 sh -c \
		'trap "exit 4" USR1; echo ready; while :; do sleep 0.05; done' \
		</dev/null >"$T/io/out" 2>"$T/io/err" 3>"$T/io/ev" &
	pid=$!
	for i in $(seq 100); do grep -q ready "$T/io/out" && break; sleep 0.05; done
	kill -USR1 $pid
	wait $pid
	rc=$?
	expect_rc 4 || return 1
	check_events "$T/io/ev" "runtime_init_warnings spawned setup_finished signal exited" &&
		[ "$(field "$T/io/ev" signal signal_name)" = USR1 ]
}
mcase "a forwarded signal: a signal event before exited" t_signal_event

t_timeout_event() {
	rm -f "$T/io/ev"
	run_mode "$1" -- "${SBP[@]}" --timeout 0.2 --status-fd 3 sleep 30 3>"$T/io/ev"
	expect_rc 124 || return 1
	check_events "$T/io/ev" "runtime_init_warnings spawned setup_finished timeout exited" &&
		[ "$(field "$T/io/ev" timeout timeout_us)" = 200000 ] &&
		[ "$(field "$T/io/ev" exited reason)" = timeout ] &&
		[ "$(field "$T/io/ev" exited status)" = 124 ]
}
mcase "--timeout: a timeout event, exited reason timeout, status 124" t_timeout_event

# The reader closes its end at once: the command still runs to the end and
# its status passes through; one warning says the stream stopped.
t_reader_gone() {
	local w; w=$(mkw gone-$1)
	residue_snap
	rm -f "$T/io/fifo"; mkfifo "$T/io/fifo"; chmod 666 "$T/io/fifo"
	( exec 3<"$T/io/fifo"; exec 3<&- ) &
	local reader=$!
	run_mode "$1" -- "${SBP[@]}" --bind "$w" /w --status-fd 3 sh -c 'sleep 0.2; echo done >/w/m; exit 6' 3>"$T/io/fifo"
	wait "$reader"
	expect_rc 6 && expect_err "$PROG: --status-fd 3: Broken pipe; no further events are written" || return 1
	[ "$(cat "$w/m")" = done ] || { diag "the command did not finish"; return 1; }
	residue_check
}
mcase "a reader that goes away: one warning, the command runs on" t_reader_gone

t_bad_fd() {
	residue_snap
	run_mode "$1" -- "${SBP[@]}" --status-fd 99 true
	expect_fail "Invalid --status-fd 99: Bad file descriptor" || return 1
	run_mode "$1" -- "${SBP[@]}" --status-fd x true
	expect_fail "Invalid fd: x" && residue_check
}
mcase "--status-fd: a closed or malformed fd is a one-line error" t_bad_fd

# The command does not inherit the stream: its reader sees EOF when vb
# exits, not when the last process of the sandbox does.
t_not_inherited() {
	rm -f "$T/io/ev"
	run_mode "$1" -- "${SBP[@]}" --status-fd 3 sh -c 'if [ -e /proc/self/fd/3 ]; then echo open; else echo closed; fi' 3>"$T/io/ev"
	expect_ok closed
}
mcase "the command does not hold the status fd" t_not_inherited

done_testing
