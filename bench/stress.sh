#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/stress.sh [VB]: many sandboxes, and vb killed during setup, each
# followed by a check that nothing is left behind.
#
#   SEQ=1000 PAR=64 KILLS=200 (defaults)  VB=build/vb bench/stress.sh
#
# Three cases, each SEQ times in a row and PAR at once:
#   plain  --ro-bind /usr /usr ... true
#   sup    the same with --status-fd --info-fd --memory 64M --pids-max 50
#   net    --net bridge (in a network namespace of the script's own)
# then KILLS runs (the three cases in turn) killed with SIGKILL 0-30 ms
# after their start, each followed by one ordinary start beneath the same
# cgroup parent and bridge, which must sweep what the killed one held.
#
# Residue, checked after every sequential run, every parallel batch, and
# every kill plus its next start: mounts (this namespace's mountinfo),
# processes (our descendants: the script is a child subreaper), our fds,
# veths, voidbox's nft chains and set elements, leases, cgroups beneath the
# script's cgroup parent, files in /tmp, /var/tmp, /dev/shm.  Root only; the
# script runs in a mount and network namespace of its own, with its own
# /run, /tmp and cgroup parent (beneath the cgroup it was started in), so
# the machine's state is neither used nor touched.
set -u
if [ "$(id -u)" != 0 ]; then
	echo "bench/stress.sh: run as root (cgroups, --net bridge)" >&2
	exit 1
fi
VB=${VB:-${1:-$(dirname "$0")/../build/vb}}
VB=$(realpath "$VB")
SEQ=${SEQ:-1000}
PAR=${PAR:-64}
KILLS=${KILLS:-200}

if [ -z "${VB_STRESS_INNER:-}" ]; then
	export VB_STRESS_INNER=1 VB SEQ PAR KILLS
	exec unshare --net --mount --propagation private -- python3 -c '
import ctypes, os, sys
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
os.execv("/bin/bash", ["bash"] + sys.argv[1:])' "$0"
fi

# ---- the script's world -----------------------------------------------------------
ip link set lo up
for d in /run /tmp /var/tmp /dev/shm; do
	[ -d $d ] && mount -t tmpfs vbstress $d
done
# The cgroup parent: beneath our own cgroup, in every hierarchy vb uses.
CG_SELF=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' /proc/self/cgroup)
[ -n "$CG_SELF" ] || CG_SELF=$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
[ "$CG_SELF" = / ] && CG_SELF=
CGP=$CG_SELF/vbstress-$$
CG_DIRS=()
for m in $(awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "cgroup2" || $(i + 3) ~ /(^|,)(memory|pids)(,|$)/) print $5 }' /proc/self/mountinfo); do
	mkdir -p "$m$CGP" 2>/dev/null && CG_DIRS+=("$m$CGP")
done
cleanup() {
	local d
	for d in "${CG_DIRS[@]}"; do
		find "$d" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
		rmdir "$d" 2>/dev/null
	done
}
trap cleanup EXIT

SB=(--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64)
declare -A ARGS=(
	[plain]="${SB[*]} true"
	[sup]="${SB[*]} --status-fd 3 --info-fd 4 --memory 64M --pids-max 50 --cgroup-parent $CGP true"
	[net]="--ro-bind / / --dev /dev --proc /proc --net bridge true"
)
CASES=(plain sup net)
# run CASE: one start, status in $?
run() {
	# shellcheck disable=SC2086
	timeout -k 5 60 "$VB" ${ARGS[$1]} </dev/null >/dev/null 2>>/tmp/vbstress.err 3>/dev/null 4>/dev/null
}

_kids() {
	local p k v me=" " q=$BASHPID
	# The subshells this runs in are children of ours too: not residue.
	while [ "$q" != "$$" ] && [ "$q" -gt 1 ]; do
		me+="$q "
		q=$(awk '{ print $4 }' "/proc/$q/stat" 2>/dev/null || echo 1)
	done
	for p in /proc/[0-9]*; do
		[[ $me == *" ${p#/proc/} "* ]] && continue
		{ while read -r k v; do
			[ "$k" = PPid: ] && { [ "$v" = "$$" ] && echo "process ${p#/proc/}"; break; }
		done <"$p/status"; } 2>/dev/null
	done
}
residue() {
	local d
	echo "mounts $(wc -l </proc/self/mountinfo)"
	_kids
	echo "fds $(ls /proc/$$/fd | wc -l)"
	ip -o link show 2>/dev/null | awk -F': ' '$2 ~ /^vb[0-9a-f]{8}/ { print "veth " $2 }'
	nft list table inet voidbox 2>/dev/null | grep -Eo 'chain (pre|out)-[0-9a-f]{8}|elem [0-9a-f.:]+' | sed 's/^/nft /'
	nft -j list table inet voidbox 2>/dev/null | grep -Eo '"elem": \[[^]]+\]' | sed 's/^/nft /'
	ls /run/voidbox/net/*/ 2>/dev/null | grep -E '^[0-9.]+$' | sed 's/^/lease /'
	for d in "${CG_DIRS[@]}"; do find "$d" -mindepth 1 -type d | sed 's/^/cgroup /'; done
	find /tmp /var/tmp /dev/shm -mindepth 1 ! -name vbstress.err 2>/dev/null | sed 's/^/file /'
}
# settle: the residue as it is once what is being torn down is gone (a
# veth the kernel is still deleting, a process being reaped): a bound,
# not a timing; anything left after it counts.
settle() {
	local i r
	for i in $(seq 50); do
		r=$(residue)
		[ "$r" = "$BASE" ] && break
		sleep 0.05
	done
	printf '%s\n' "$r"
}
now() { date +%s%N; }
ms() { echo $((($2 - $1) / 1000000)); }

"$VB" --version | head -1
run net >/dev/null 2>&1 # the bridge and its NAT exist from here on: steady state
run plain || { echo "bench/stress.sh: $VB does not run a sandbox" >&2; cat /tmp/vbstress.err >&2; exit 1; }
BASE=
BASE=$(settle)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); SEQ=$SEQ PAR=$PAR KILLS=$KILLS"
printf '%-6s %-11s %6s %6s %9s %8s\n' case mode runs failed residue ms/run
total_bad=0
for c in "${CASES[@]}"; do
	fail=0 bad=0
	t0=$(now)
	for ((i = 0; i < SEQ; i++)); do
		run "$c" || fail=$((fail + 1))
		r=$(settle)
		if [ "$r" != "$BASE" ]; then
			bad=$((bad + 1))
			[ $bad -le 3 ] && diff <(echo "$BASE") <(echo "$r") | grep '^>' | head -5 | sed "s/^/  $c seq $i: /"
			BASE=$r
		fi
	done
	t1=$(now)
	printf '%-6s %-11s %6d %6d %9d %8d\n' "$c" sequential "$SEQ" "$fail" "$bad" $(($(ms "$t0" "$t1") / (SEQ > 0 ? SEQ : 1)))
	total_bad=$((total_bad + bad))

	fail=0 bad=0 pids=()
	t0=$(now)
	for ((i = 0; i < PAR; i++)); do
		run "$c" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || fail=$((fail + 1)); done
	t1=$(now)
	r=$(settle)
	if [ "$r" != "$BASE" ]; then
		bad=1
		diff <(echo "$BASE") <(echo "$r") | grep '^>' | head -5 | sed "s/^/  $c parallel: /"
		BASE=$r
	fi
	printf '%-6s %-11s %6d %6d %9d %8s\n' "$c" "parallel" "$PAR" "$fail" "$bad" "($(ms "$t0" "$t1") all)"
	total_bad=$((total_bad + bad))
done

# ---- SIGKILL during setup -----------------------------------------------------------
left_before=0 bad=0 kills=0
for ((i = 0; i < KILLS; i++)); do
	c=${CASES[$((i % 3))]}
	# shellcheck disable=SC2086
	"$VB" ${ARGS[$c]} </dev/null >/dev/null 2>/dev/null 3>/dev/null 4>/dev/null &
	p=$!
	sleep "0.0$(printf '%02d' $((RANDOM % 31)))"
	kill -KILL $p 2>/dev/null && kills=$((kills + 1))
	wait $p 2>/dev/null
	# What the kill left (cgroups, a lease: nothing could remove them) ...
	[ "$(settle)" != "$BASE" ] && left_before=$((left_before + 1))
	# ... the next start beneath the same parent and bridge sweeps.
	run "$c"
	r=$(settle)
	if [ "$r" != "$BASE" ]; then
		bad=$((bad + 1))
		[ $bad -le 3 ] && diff <(echo "$BASE") <(echo "$r") | grep '^>' | head -5 | sed "s/^/  kill $i ($c): /"
		BASE=$r
	fi
done
printf 'SIGKILL 0-30 ms after start: %d runs, %d killed in flight, %d left something until the next start, %d left residue after it\n' \
	"$KILLS" "$kills" "$left_before" "$bad"
total_bad=$((total_bad + bad))
[ -s /tmp/vbstress.err ] && { echo "stderr of the runs (first lines):"; sort /tmp/vbstress.err | uniq -c | sort -rn | head -5; }
echo "residue total: $total_bad"
[ "$total_bad" = 0 ]
