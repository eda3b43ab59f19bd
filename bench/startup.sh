#!/bin/bash
# bench/startup.sh: how long vb takes to start a sandbox and run `true`,
# against bwrap and unshare(1) measured in the same run, and vb's peak RSS
# against bwrap's.  Prints a table of means and the ratios vb/bwrap and
# vb/unshare; see bench/README.md for the targets.
#
#   VB=path/to/vb BWRAP=/usr/bin/bwrap RUNS=200 bench/startup.sh
#
# Cases (each one hyperfine invocation with all three peers, so that machine
# noise hits them alike):
#   bind  --bind / / true
#   all   --unshare-all --ro-bind / / --proc /proc --dev /dev true
#   ops   a flatpak-like command line of 200 ops (--ro-bind, --symlink,
#         --setenv, --dir, ...) on top of --unshare-all, generated below
# Modes: as root, and as an unprivileged user (BENCH_USER, default the test
# suite's "vbtest", when it exists and may create user namespaces) through
# setpriv; there vb and bwrap build a user namespace themselves.
#
# The unshare(1) peer makes the same namespaces and forks the same way but
# does no mount work of its own, so it is a floor, not an equal:
#   bind: bwrap makes a mount namespace only (plus a user namespace when not
#         root), then forks the command:  unshare [-Ur] -m --fork true
#   all:  --unshare-all is user(-try), ipc, pid, net, uts and cgroup(-try),
#         plus the mount namespace; --proc is --mount-proc.  There is no
#         unshare counterpart of --dev (a tmpfs with device nodes bound in):
#         unshare -Urmipnu -C --fork --mount-proc true
#   ops:  the same unshare line as "all": 200 mounts and files have no
#         unshare equivalent, so its ratio shows what the ops cost on top.
set -u
VB=${VB:-$(cd "$(dirname "$0")/.." && pwd)/vb}
BWRAP=${BWRAP:-/usr/bin/bwrap}
RUNS=${RUNS:-200}
RSS_RUNS=${RSS_RUNS:-20}
BENCH_USER=${BENCH_USER:-vbtest}

die() { echo "bench: $*" >&2; exit 1; }
for t in hyperfine python3 /usr/bin/time unshare setpriv; do
	command -v "$t" >/dev/null || die "$t is missing (apt-get install hyperfine time python3)"
done
[ -x "$VB" ] || die "no vb at $VB (set VB=path)"
"$VB" --bind / / true || die "$VB does not run a sandbox"
VB=$(readlink -f "$VB")

tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

# The 200-op command line: what flatpak run hands bwrap, give or take.
gen_ops() {
	local n=0 i
	op() { printf '%s ' "$@"; n=$((n + 1)); }
	op --unshare-all
	op --die-with-parent
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
OPS=$(gen_ops)
[ "$(wc -w <<<"$OPS")" -gt 400 ] || die "generated command line is too short"

declare -A SB=(
	[bind]="--bind / / true"
	[all]="--unshare-all --ro-bind / / --proc /proc --dev /dev true"
	[ops]="$OPS true"
)
CASES=(bind all ops)

# mode_cmd MODE: the prefix that runs a command in MODE.
mode_prefix() {
	case $1 in
	root) echo "" ;;
	user) echo "setpriv --reuid=$BUID --regid=$BGID --clear-groups --" ;;
	esac
}
unshare_line() { # MODE CASE
	local u=""
	[ "$1" = user ] && u="-Ur"
	case $2 in
	bind) echo "unshare $u -m --fork true" ;;
	*) echo "unshare -Urmipnu -C --fork --mount-proc true" ;;
	esac
}

MODES=(root)
if [ "$(id -u)" = 0 ]; then
	if BUID=$(id -u "$BENCH_USER" 2>/dev/null); then
		BGID=$(id -g "$BENCH_USER")
		if setpriv --reuid="$BUID" --regid="$BGID" --clear-groups -- unshare -Ur true 2>/dev/null &&
			setpriv --reuid="$BUID" --regid="$BGID" --clear-groups -- "$VB" --bind / / true; then
			MODES+=(user)
		else
			echo "bench: $BENCH_USER cannot make user namespaces here; user mode left out" >&2
		fi
	else
		echo "bench: no user $BENCH_USER (BENCH_USER=); user mode left out" >&2
	fi
else
	MODES=(user) # already unprivileged: run everything as ourselves
	BUID=$(id -u) BGID=$(id -g)
fi

# peak_rss PREFIX CMD...: the largest max-RSS (KiB) over RSS_RUNS runs.
peak_rss() {
	local pre=$1 max=0 r i
	shift
	for ((i = 0; i < RSS_RUNS; i++)); do
		# shellcheck disable=SC2086
		r=$($pre /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1)
		[ "${r:-0}" -gt "$max" ] && max=$r
	done
	echo "$max"
}

echo "# vb: $VB ($("$VB" --version)); bwrap: $BWRAP ($("$BWRAP" --version)); $RUNS runs each"
echo "# $(uname -sr), $(nproc) CPUs, $(hyperfine --version)"
printf '%-5s %-4s %9s %9s %9s %8s %10s %9s %9s %9s %9s\n' case mode vb_ms bwrap_ms unshare_ms vb/bwrap vb/unshare med_v/b cpu_v/b vb_rssK bwrap_rssK
for mode in "${MODES[@]}"; do
	pre=$(mode_prefix "$mode")
	for c in "${CASES[@]}"; do
		# In user mode the prefix is the same for all three, so its own
		# cost (a fork+exec of setpriv) is in every mean alike.
		# shellcheck disable=SC2086
		hyperfine -N -w 10 -r "$RUNS" --export-json "$tmp/$mode-$c.json" \
			-n vb "$pre $VB ${SB[$c]}" \
			-n bwrap "$pre $BWRAP ${SB[$c]}" \
			-n unshare "$pre $(unshare_line "$mode" "$c")" >"$tmp/$mode-$c.log" 2>&1 ||
			{ cat "$tmp/$mode-$c.log" >&2; die "hyperfine failed for $c ($mode)"; }
		# shellcheck disable=SC2086
		rv=$(peak_rss "$pre" "$VB" ${SB[$c]})
		# shellcheck disable=SC2086
		rb=$(peak_rss "$pre" "$BWRAP" ${SB[$c]})
		python3 - "$tmp/$mode-$c.json" "$c" "$mode" "$rv" "$rb" <<'EOF'
import json, sys
rs = json.load(open(sys.argv[1]))["results"]
res = {r["command"]: r["mean"] * 1000 for r in rs}
med = {r["command"]: r["median"] for r in rs}
cpu = {r["command"]: r["user"] + r["system"] for r in rs}
vb, bw, un = res["vb"], res["bwrap"], res["unshare"]
# The median ratio and the CPU-time (user+system) ratio too: on a busy
# machine a few slow runs move the means, and waiting for a core moves wall
# time but not CPU time.
print("%-5s %-4s %9.3f %9.3f %9.3f %8.2f %10.2f %9.2f %9.2f %9s %9s" %
      (sys.argv[2], sys.argv[3], vb, bw, un, vb / bw, vb / un, med["vb"] / med["bwrap"],
       cpu["vb"] / cpu["bwrap"], sys.argv[4], sys.argv[5]))
EOF
	done
done
echo "# targets: vb/bwrap <= 0.80; vb/unshare <= 1.15 (bind, all); vb_rssK <= bwrap_rssK"
