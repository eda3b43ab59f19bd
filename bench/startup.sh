#!/bin/bash
# bench/startup.sh: how long vb takes to start a sandbox and run `true`,
# against bench/floor (the least work that gives the same sandbox), bwrap and
# unshare(1), all measured in one paired run; and vb's peak RSS against
# bwrap's.  Prints medians and the ratios vb/floor, vb/bwrap, vb/unshare, with
# the load average before and after; see bench/README.md for the goals.
#
#   bench/startup.sh [--busy] [--ops]
#   VB=build/vb FLOOR=build/bench/floor BWRAP=/usr/bin/bwrap RUNS=200 ROUNDS=10 bench/startup.sh
#
# --busy runs two `yes >/dev/null` loops beside the measurement (the
#        machine's two cores busy), killed at the end.
# --ops  adds the 200-op flatpak-like line.
#
# Lines (vb and bwrap get the same arguments):
#   ns    --unshare-user --unshare-pid --unshare-ipc --unshare-uts --bind / / true
#         floor: floor true;  unshare -Umpiu -c --fork true
#   bind  --bind / / true
#         floor: floor true (more namespaces than vb makes as root: for context)
#         unshare: root: unshare -m --fork true; user: unshare -Um -c --fork true
#   all   --unshare-all --ro-bind / / --proc /proc --dev /dev true
#         floor: floor -n true (no /proc, no /dev);  unshare -Umpiun -C -c --fork --mount-proc true
#   ops   (with --ops) 200 ops on top of --unshare-all; floor and unshare as for "all"
#
# Pairing: each (mode, line) is ROUNDS hyperfine invocations of RUNS/ROUNDS
# runs of every peer (with --warmup), so that the peers alternate every few
# milliseconds and machine noise hits them alike; the medians are over all
# runs pooled.  Modes: root, and the ordinary user BENCH_USER (default
# vbtest, the test suite's user): hyperfine itself runs as that user (setpriv
# --reuid --regid --clear-groups), so no setpriv is inside the timings, and
# every binary is a copy in a world-readable temp dir.
set -u
here=$(cd "$(dirname "$0")" && pwd)
VB=${VB:-$here/../vb}
FLOOR=${FLOOR:-$here/floor}
BWRAP=${BWRAP:-/usr/bin/bwrap}
RUNS=${RUNS:-200}
ROUNDS=${ROUNDS:-10}
RSS_RUNS=${RSS_RUNS:-20}
BENCH_USER=${BENCH_USER:-vbtest}
BUSY=
OPS=
for a in "$@"; do
	case $a in
	--busy) BUSY=1 ;;
	--ops) OPS=1 ;;
	*)
		echo "usage: bench/startup.sh [--busy] [--ops]" >&2
		exit 2
		;;
	esac
done

die() {
	echo "bench: $*" >&2
	exit 1
}
for t in hyperfine python3 /usr/bin/time unshare setpriv; do
	command -v "$t" >/dev/null || die "$t is missing (apt-get install hyperfine time python3)"
done
[ -x "$VB" ] || die "no vb at $VB (set VB=path)"
[ -x "$FLOOR" ] || die "no floor at $FLOOR (make bench; set FLOOR=path)"

tmp=$(mktemp -d)
chmod 755 "$tmp"
busy_pids=()
cleanup() {
	for p in "${busy_pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
# World-readable copies, so that the ordinary user runs exactly these.
mkdir "$tmp/bin" "$tmp/out"
cp "$VB" "$tmp/bin/vb"
cp "$FLOOR" "$tmp/bin/floor"
cp "$BWRAP" "$tmp/bin/bwrap"
chmod 755 "$tmp/bin" "$tmp/bin/"*
chmod 777 "$tmp/out"
V=$tmp/bin/vb F=$tmp/bin/floor B=$tmp/bin/bwrap
"$V" --bind / / true || die "$VB does not run a sandbox"
"$F" true || die "$FLOOR does not run"

gen_ops() { # the 200-op command line: what flatpak run hands bwrap, give or take
	local n=0 i
	op() {
		printf '%s ' "$@"
		n=$((n + 1))
	}
	op --unshare-all --die-with-parent
	op --ro-bind /usr /usr
	op --symlink usr/bin /bin
	op --symlink usr/sbin /sbin
	op --symlink usr/lib /lib
	op --symlink usr/lib64 /lib64
	op --proc /proc
	op --dev /dev
	op --tmpfs /tmp
	op --tmpfs /run
	op --dir /var
	op --symlink ../run /var/run
	for f in passwd group hosts nsswitch.conf ld.so.cache localtime resolv.conf \
		host.conf machine-id shells; do
		op --ro-bind-try /etc/$f /etc/$f
	done
	for ((i = 0; n < 110; i++)); do op --dir /run/app/dir$i; done
	for ((i = 0; n < 150; i++)); do op --symlink /usr/share/file$i /run/app/link$i; done
	for ((i = 0; n < 190; i++)); do op --setenv VAR_$i value_$i; done
	for ((i = 0; n < 200; i++)); do op --ro-bind-try /usr/share/doc /run/app/doc$i; done
	op --chdir /
}

declare -A SB=(
	[ns]="--unshare-user --unshare-pid --unshare-ipc --unshare-uts --bind / / true"
	[bind]="--bind / / true"
	[all]="--unshare-all --ro-bind / / --proc /proc --dev /dev true"
)
CASES=(ns bind all)
if [ -n "$OPS" ]; then
	SB[ops]="$(gen_ops) true"
	CASES+=(ops)
fi
floor_line() { # CASE
	case $1 in
	ns | bind) echo "$F true" ;;
	*) echo "$F -n true" ;;
	esac
}
unshare_line() { # MODE CASE
	case $2 in
	ns) echo "unshare -Umpiu -c --fork true" ;;
	bind) if [ "$1" = root ]; then echo "unshare -m --fork true"; else echo "unshare -Um -c --fork true"; fi ;;
	*) echo "unshare -Umpiun -C -c --fork --mount-proc true" ;;
	esac
}

MODES=(root)
RUN_AS=()
if [ "$(id -u)" = 0 ]; then
	if BUID=$(id -u "$BENCH_USER" 2>/dev/null); then
		BGID=$(id -g "$BENCH_USER")
		UPRE=(setpriv --reuid="$BUID" --regid="$BGID" --clear-groups --)
		if "${UPRE[@]}" unshare -Ur true 2>/dev/null && "${UPRE[@]}" "$V" --bind / / true; then
			MODES+=(user)
		else
			echo "bench: $BENCH_USER cannot make user namespaces here; user mode left out" >&2
		fi
	else
		echo "bench: no user $BENCH_USER (BENCH_USER=); user mode left out" >&2
	fi
else
	MODES=(user) # already unprivileged: run everything as ourselves
	UPRE=()
fi

# peak_rss MODE CMD...: the largest max-RSS (KiB, /usr/bin/time -v) over RSS_RUNS runs.
peak_rss() {
	local mode=$1 max=0 r i
	shift
	for ((i = 0; i < RSS_RUNS; i++)); do
		if [ "$mode" = user ]; then
			r=$("${UPRE[@]}" /usr/bin/time -v "$@" 2>&1 >/dev/null)
		else
			r=$(/usr/bin/time -v "$@" 2>&1 >/dev/null)
		fi
		r=$(sed -n 's/.*Maximum resident set size (kbytes): //p' <<<"$r")
		[ "${r:-0}" -gt "$max" ] && max=$r
	done
	echo "$max"
}

if [ -n "$BUSY" ]; then
	for _ in 1 2; do
		yes >/dev/null &
		busy_pids+=($!)
	done
	sleep 1
fi
per=$(((RUNS + ROUNDS - 1) / ROUNDS))
echo "# vb: $VB ($("$V" --version)); bwrap: $BWRAP ($("$B" --version)); floor: $FLOOR"
echo "# $(uname -sr), $(nproc) CPUs, $(hyperfine --version); $ROUNDS rounds x $per runs per peer${BUSY:+; two busy loops beside}"
echo "# load before: $(uptime)"
printf '%-5s %-4s %8s %8s %8s %8s %8s %8s %10s %8s %8s\n' line mode vb_ms floor_ms bwrap_ms unsh_ms vb/floor vb/bwrap vb/unshare vb_rssK bw_rssK
for mode in "${MODES[@]}"; do
	for c in "${CASES[@]}"; do
		pre=()
		[ "$mode" = user ] && pre=("${UPRE[@]}")
		for ((k = 0; k < ROUNDS; k++)); do
			# shellcheck disable=SC2086
			"${pre[@]}" hyperfine -N --warmup 3 -r "$per" --export-json "$tmp/out/$mode-$c-$k.json" \
				-n vb "$V ${SB[$c]}" \
				-n floor "$(floor_line "$c")" \
				-n bwrap "$B ${SB[$c]}" \
				-n unshare "$(unshare_line "$mode" "$c")" >"$tmp/out/$mode-$c.log" 2>&1 ||
				{
					cat "$tmp/out/$mode-$c.log" >&2
					die "hyperfine failed for $c ($mode)"
				}
		done
		# shellcheck disable=SC2086
		rv=$(peak_rss "$mode" "$V" ${SB[$c]})
		# shellcheck disable=SC2086
		rb=$(peak_rss "$mode" "$B" ${SB[$c]})
		python3 - "$tmp/out" "$mode-$c" "$c" "$mode" "$rv" "$rb" <<'EOF'
import glob, json, statistics, sys
d, stem, c, mode, rv, rb = sys.argv[1:]
t = {}
for f in glob.glob("%s/%s-*.json" % (d, stem)):
    for r in json.load(open(f))["results"]:
        t.setdefault(r["command"], []).extend(r["times"])
m = {k: statistics.median(v) * 1000 for k, v in t.items()}
print("%-5s %-4s %8.3f %8.3f %8.3f %8.3f %8.2f %8.2f %10.2f %8s %8s" %
      (c, mode, m["vb"], m["floor"], m["bwrap"], m["unshare"], m["vb"] / m["floor"],
       m["vb"] / m["bwrap"], m["vb"] / m["unshare"], rv, rb))
EOF
	done
done
echo "# load after: $(uptime)"
echo "# goals: ns vb/floor <= 1.15 (quiet), <= 1.30 (--busy); vb/bwrap <= 0.80 on bind and all; vb_rssK <= bw_rssK"
