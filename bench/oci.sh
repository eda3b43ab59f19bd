#!/bin/bash
# bench/oci.sh: vb as an OCI runtime against runc (and crun where it runs
# here), measured in the same hyperfine invocation, as ratios.
#
#   VB=path/to/vb RUNS=20 bench/oci.sh        (as root)
#
# Cases:
#   podman    podman --runtime R run --rm IMAGE true: the whole podman path
#             (conmon, storage, the runtime's create/start/delete)
#   runtime   R create + start + delete of one bundle, the container running
#             true, with no podman: the runtime alone
# IMAGE is imported offline from busybox-static; the bundle is runc spec's
# config with that rootfs.  podman runs with storage of its own (vfs) in a
# temporary directory and --network none, so the figures are the runtime's,
# not CNI's.  Root lacks CAP_SYS_RESOURCE on some hosts: podman's ulimits are
# passed explicitly for every runtime.  Debian's crun 1.8 refuses hybrid
# cgroup hierarchies; it is left out when it cannot run the bundle.
set -u
VB=${VB:-$(cd "$(dirname "$0")/.." && pwd)/vb}
RUNS=${RUNS:-20}

die() { echo "bench: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root"
for t in hyperfine podman runc busybox python3; do
	command -v "$t" >/dev/null || die "$t is missing (apt-get install hyperfine podman runc busybox-static)"
done
[ -x "$VB" ] || die "no vb at $VB (set VB=path)"
VB=$(readlink -f "$VB")

tmp=$(mktemp -d)
chmod 755 "$tmp"
cleanup() {
	"${POD[@]}" rm -af -t 0 >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
ln -s "$VB" "$tmp/vb-oci"
VBOCI=$tmp/vb-oci
RUNC=$(command -v runc)
CRUN=$(command -v crun || true)

R=$tmp/bundle/rootfs
mkdir -p "$R/bin" "$R/etc" "$R/proc" "$R/sys" "$R/dev" "$R/tmp"
cp "$(command -v busybox)" "$R/bin/busybox"
for c in sh true; do ln -s busybox "$R/bin/$c"; done
echo 'root:x:0:0:root:/:/bin/sh' >"$R/etc/passwd"
tar -C "$R" -cf "$tmp/rootfs.tar" .
(cd "$tmp/bundle" && runc spec) || die "runc spec"
python3 - "$tmp/bundle/config.json" <<'EOF'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/true"]
json.dump(c, open(p, "w"))
EOF

POD=(podman --root "$tmp/store" --runroot "$tmp/run" --storage-driver vfs --cgroup-manager cgroupfs
	--events-backend none --tmpdir "$tmp/ptmp")
"${POD[@]}" import "$tmp/rootfs.tar" localhost/vb-bench:oci >/dev/null 2>&1 || die "podman import"
U="--ulimit nofile=1024:1024 --ulimit nproc=4096:4096"
pod_cmd() { echo "${POD[*]} --runtime $1 run --rm --network none $U localhost/vb-bench:oci true"; }
rt_cmd() { echo "$1 --root $tmp/state-$2 create --bundle $tmp/bundle b && $1 --root $tmp/state-$2 start b && $1 --root $tmp/state-$2 delete --force b"; }

names=(vb runc)
bins=("$VBOCI" "$RUNC")
if [ -n "$CRUN" ] && $CRUN --root "$tmp/state-probe" run --bundle "$tmp/bundle" probe >/dev/null 2>&1; then
	names+=(crun)
	bins+=("$CRUN")
else
	echo "crun: left out (it does not run the bundle here: $($CRUN --root "$tmp/state-probe" run --bundle "$tmp/bundle" probe 2>&1 | head -1))"
fi
for i in "${!bins[@]}"; do
	"${POD[@]}" --runtime "${bins[$i]}" run --rm --network none $U localhost/vb-bench:oci true ||
		die "podman --runtime ${names[$i]} cannot run the image"
	bash -c "$(rt_cmd "${bins[$i]}" "${names[$i]}")" || die "${names[$i]} create+start+delete failed"
done

# mean_of JSON NAME: hyperfine's mean (seconds) for the command named NAME.
mean_of() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([r["mean"] for r in d["results"] if r["command"]==sys.argv[2]][0])' "$1" "$2"; }

for case in podman runtime; do
	args=()
	for i in "${!bins[@]}"; do
		if [ "$case" = podman ]; then cmd=$(pod_cmd "${bins[$i]}"); else cmd=$(rt_cmd "${bins[$i]}" "${names[$i]}"); fi
		args+=(-n "${names[$i]}" "$cmd")
	done
	hyperfine --runs "$RUNS" --warmup 2 --export-json "$tmp/$case.json" "${args[@]}" >/dev/null 2>&1 ||
		die "hyperfine failed for $case"
	vb=$(mean_of "$tmp/$case.json" vb)
	line=$(printf '%-8s vb %7.1f ms' "$case" "$(python3 -c "print($vb*1000)")")
	for n in "${names[@]:1}"; do
		m=$(mean_of "$tmp/$case.json" "$n")
		line+=$(printf '   %s %7.1f ms   vb/%s %.2f' "$n" "$(python3 -c "print($m*1000)")" "$n" "$(python3 -c "print($vb/$m)")")
	done
	echo "$line"
done
