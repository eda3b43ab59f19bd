#!/bin/bash
# bench/net.sh [VB] [RUNS]: what --net bridge costs.
# Runs `true` in the usual /usr sandbox RUNS times per variant, alternating
# variants run by run, and prints the median wall time of each: vb
# --unshare-net, bwrap --unshare-net (when installed) and vb --net bridge;
# the bridge's added cost is its median minus vb --unshare-net's (goal:
# under 1 ms for setup plus teardown, issue 14).  Then K = 1, 8, 32 bridge sandboxes
# started at once on one bridge: the wall time until all have ended, and per
# sandbox.  Then each variant RUNS times back to back (not alternated): the
# mean per run, which also carries what the kernel does after vb has exited
# (tearing a sandbox's network namespace down, with its veth, runs
# asynchronously and competes for the CPUs with the next runs).  Root only;
# everything happens in a network and mount namespace the script makes for
# itself (private /run), so the host's network is never touched.  The first
# bridge run (bridge creation, NAT table) is not counted.
set -u
VB=${1:-$(dirname "$0")/../vb}
RUNS=${2:-100}
VB=$(cd "$(dirname "$VB")" && pwd)/$(basename "$VB")
if [ "$(id -u)" != 0 ]; then
	echo "bench/net.sh: needs root (it makes its own network namespace)" >&2
	exit 77
fi
if [ -z "${VB_NET_BENCH_INNER:-}" ]; then
	export VB_NET_BENCH_INNER=1
	exec unshare --net --mount --propagation private -- bash "$0" "$VB" "$RUNS"
fi
mount -t tmpfs vbbench-run /run
ip link set lo up
SB=(--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64)
declare -A CMD=(
	[vb-unshare-net]="$VB ${SB[*]} --unshare-net true"
	[vb-net-bridge]="$VB ${SB[*]} --net bridge true"
)
ORDER=(vb-unshare-net vb-net-bridge)
if command -v bwrap >/dev/null; then
	CMD[bwrap-unshare-net]="bwrap ${SB[*]} --unshare-net true"
	ORDER=(vb-unshare-net bwrap-unshare-net vb-net-bridge)
fi
$VB "${SB[@]}" --net bridge true 2>/dev/null || { echo "bench: $VB --net bridge does not run" >&2; exit 1; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for ((i = 0; i < RUNS; i++)); do
	for v in "${ORDER[@]}"; do
		s=$(date +%s%N)
		${CMD[$v]}
		e=$(date +%s%N)
		echo $(((e - s) / 1000)) >>"$tmp/$v"
	done
done
median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
base=$(median "$tmp/vb-unshare-net")
printf '%-20s %10s %8s   (%d runs each, %s)\n' variant median_us ratio "$RUNS" "$($VB --version)"
for v in "${ORDER[@]}"; do
	m=$(median "$tmp/$v")
	printf '%-20s %10d %8.2f\n' "$v" "$m" "$(echo "$m $base" | awk '{ print $1 / $2 }')"
done
echo "bridge setup+teardown added: $(($(median "$tmp/vb-net-bridge") - base)) us (goal < 1000)"

echo
printf '%-12s %12s %16s\n' concurrent wall_ms per_sandbox_ms
for k in 1 8 32; do
	best=
	for rep in 1 2 3; do
		s=$(date +%s%N)
		pids=()
		for ((j = 0; j < k; j++)); do
			$VB "${SB[@]}" --net bridge true &
			pids+=($!)
		done
		wait "${pids[@]}"
		e=$(date +%s%N)
		t=$(((e - s) / 1000))
		[ -z "$best" ] || [ "$t" -lt "$best" ] && best=$t
	done
	printf '%-12d %12.1f %16.2f\n' "$k" "$(echo "$best" | awk '{ print $1 / 1000 }')" \
		"$(echo "$best $k" | awk '{ print $1 / 1000 / $2 }')"
done

echo
printf '%-20s %14s   (%d runs back to back)\n' variant mean_us_per_run "$RUNS"
for v in "${ORDER[@]}"; do
	s=$(date +%s%N)
	for ((i = 0; i < RUNS; i++)); do ${CMD[$v]}; done
	e=$(date +%s%N)
	printf '%-20s %14d\n' "$v" $(((e - s) / 1000 / RUNS))
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
