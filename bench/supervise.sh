#!/bin/bash
# bench/supervise.sh [VB] [RUNS]: what supervision costs at startup.
# Runs `true` in the usual /usr sandbox RUNS times per variant, alternating
# variants run by run so that machine noise hits all alike, and prints the
# median wall time of each and its ratio to the plain run (the core's
# figure): without the flags the supervision hooks must cost nothing, and a
# --memory sandbox pays for its cgroups (mkdir, limits, attach, kill, rmdir).
# Run as root for the cgroup variants (else they are left out).
set -u
VB=${1:-$(dirname "$0")/../vb}
RUNS=${2:-200}
SB=(--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64)
declare -A ARGS=(
	[plain]=""
	[status-fd]="--status-fd 3"
	[timeout+rlimit]="--timeout 60 --rlimit NOFILE=256"
)
ORDER=(plain status-fd timeout+rlimit)
if [ "$(id -u)" = 0 ]; then
	ARGS[memory]="--memory 64M"
	ARGS[memory+pids+cpus]="--memory 64M --pids-max 64 --cpus 1"
	ORDER+=(memory memory+pids+cpus)
fi
"$VB" "${SB[@]}" true || { echo "bench: $VB does not run a sandbox" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for ((i = 0; i < RUNS; i++)); do
	for v in "${ORDER[@]}"; do
		# shellcheck disable=SC2086
		s=$(date +%s%N)
		"$VB" "${SB[@]}" ${ARGS[$v]} true 3>/dev/null
		e=$(date +%s%N)
		echo $(((e - s) / 1000)) >>"$tmp/$v"
	done
done
median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
base=$(median "$tmp/plain")
printf '%-20s %10s %8s   (%d runs each, %s)\n' variant "median_us" ratio "$RUNS" "$("$VB" --version)"
for v in "${ORDER[@]}"; do
	m=$(median "$tmp/$v")
	printf '%-20s %10d %8.2f\n' "$v" "$m" "$(echo "$m / $base" | bc -l)"
done
