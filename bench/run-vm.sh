#!/usr/bin/env bash
# On-demand VM boot benchmark: how long from "start" until the guest agent answers, for the busybox-vm image,
#   floor:  virsh define + virsh start of the same disk with the same domain XML corrald renders
#   corral: incus launch --vm busybox-vm (create + start) and incus start of a stopped VM, through corrald
# The end point is the first successful guest-ping (floor) / `incus exec VM -- true` (corral), polled every
# 100 ms. Prints the median of each and the ratios. Never run by the Maven build. Needs root, libvirtd
# (scripts/start-libvirt.sh) and a build (packaging/target/corral). See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

RUNS=3
BUILD=1
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS=${2:?--runs needs a value}; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) echo "usage: bench/run-vm.sh [--runs N] [--no-build]"; exit 0 ;;
        *) echo "run-vm.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "run-vm.sh: run as root" >&2; exit 1; }
bash scripts/start-libvirt.sh
[ "$BUILD" -eq 0 ] || mvn -B -q -DskipTests package
CORRALD=${CORRALD:-packaging/target/corral/bin/corrald}
IMAGE=packaging/target/corral/images/busybox-vm.qcow2
[ -f "$IMAGE" ] || { echo "run-vm.sh: no $IMAGE (build first)" >&2; exit 2; }
V="virsh -q -c qemu:///system"

scratch=$(mktemp -d /tmp/corral-bench-vm.XXXXXX)
corrald_pid=""
floor_domain="corral-bench-floor-$$"
cleanup() {
    set +e
    $V destroy "$floor_domain" >/dev/null 2>&1
    $V undefine --nvram "$floor_domain" >/dev/null 2>&1
    if [ -n "$corrald_pid" ]; then
        for n in $(INCUS_DIR=$scratch/corral incus list --format csv --columns n 2>/dev/null); do
            INCUS_DIR=$scratch/corral incus delete --force "$n" >/dev/null 2>&1
        done
        stop_group "$corrald_pid" corrald 10
    fi
    rm -rf "$scratch"
}
trap cleanup EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print a[(NR + 1) / 2]; else print int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

# Polls $@ every 100 ms until it succeeds (at most 5 minutes).
until_ok() {
    local i
    for ((i = 0; i < 3000; i++)); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    echo "run-vm.sh: gave up waiting for: $*" >&2
    return 1
}

# --- corral -----------------------------------------------------------------------------------------------------
log "corrald on $scratch/corral"
mkdir -p "$scratch/corral"
CORRAL_DIR=$scratch/corral setsid "$CORRALD" >"$scratch/corrald.log" 2>&1 &
corrald_pid=$!
wait_for "$scratch/corral/unix.socket" 30 "$corrald_pid" "$scratch/corrald.log"
export INCUS_DIR=$scratch/corral
until_ok sh -c 'incus info | grep -q "driver: lxc | qemu"'

launch=() restart=()
for ((r = 1; r <= RUNS; r++)); do
    t0=$(now_ms)
    incus launch --vm busybox-vm "b$r" >/dev/null 2>&1
    until_ok incus exec "b$r" -- true
    launch+=($(( $(now_ms) - t0 )))
    incus stop --force "b$r" >/dev/null
    t0=$(now_ms)
    incus start "b$r" >/dev/null
    until_ok incus exec "b$r" -- true
    restart+=($(( $(now_ms) - t0 )))
    log "corral run $r: launch-to-agent ${launch[-1]} ms, start-to-agent ${restart[-1]} ms"
done
# The domain corrald made for the last VM: the floor boots the same XML on its own copy of the disk.
domain=$($V list --all --name | grep -- "-b$RUNS\$" | head -n1)
$V dumpxml --inactive "$domain" >"$scratch/corral.xml"
for ((r = 1; r <= RUNS; r++)); do incus delete --force "b$r" >/dev/null; done
stop_group "$corrald_pid" corrald 10
corrald_pid=""

# --- floor: plain virsh ---------------------------------------------------------------------------------------
floor=()
for ((r = 1; r <= RUNS; r++)); do
    rm -f "$scratch/floor.qcow2" "$scratch/floor.nvram"
    cp "$IMAGE" "$scratch/floor.qcow2"
    sed -e "s#<name>.*</name>#<name>$floor_domain</name>#" -e '/<uuid>/d' \
        -e "s#<source file='[^']*'/>#<source file='$scratch/floor.qcow2'/>#" \
        -e "s#\(<nvram[^>]*>\)[^<]*</nvram>#\1$scratch/floor.nvram</nvram>#" \
        -e "s#<log file='[^']*'#<log file='$scratch/floor-console.log'#" "$scratch/corral.xml" >"$scratch/floor.xml"
    t0=$(now_ms)
    $V define "$scratch/floor.xml" >/dev/null
    $V start "$floor_domain" >/dev/null
    until_ok $V qemu-agent-command "$floor_domain" '{"execute":"guest-ping"}'
    floor+=($(( $(now_ms) - t0 )))
    log "floor run $r: define+start-to-agent ${floor[-1]} ms"
    $V destroy "$floor_domain" >/dev/null
    $V undefine --nvram "$floor_domain" >/dev/null
done

f=$(printf '%s\n' "${floor[@]}" | median)
l=$(printf '%s\n' "${launch[@]}" | median)
s=$(printf '%s\n' "${restart[@]}" | median)
accel=$(grep -o "<domain type='[a-z]*'" "$scratch/corral.xml" | cut -d"'" -f2)
echo
printf 'VM boot to guest agent, busybox-vm, %s runs, domain type %s, median ms\n' "$RUNS" "$accel"
printf '%-42s %8s %8s\n' "" "ms" "x floor"
printf '%-42s %8s %8s\n' "virsh define + start (floor)" "$f" "1.00"
printf '%-42s %8s %8s\n' "incus launch --vm (create + start)" "$l" "$(ratio "$l" "$f")"
printf '%-42s %8s %8s\n' "incus start (stopped VM)" "$s" "$(ratio "$s" "$f")"
