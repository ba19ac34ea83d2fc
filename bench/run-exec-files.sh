#!/usr/bin/env bash
# On-demand benchmark of the interactive paths through the real incus CLI: exec round trips
# (`incus exec c -- true`) and a file push and pull (`incus file push/pull`, SFTP), against Corral and then
# against the real Incus on this machine, side by side. Never run by the Maven build. See bench/README.md.
set -euo pipefail

usage() {
    cat <<'EOF2'
usage: bench/run-exec-files.sh [options]
  --execs N         measured exec round trips per target (default 100)
  --warm N          unmeasured exec round trips before them (default 10; the JVM's JIT is still warming up
                    then: a few hundred show the steady state)
  --pushes N        measured pushes and pulls of the file per target (default 5, after 1 unmeasured)
  --size MB         size of the pushed file in MiB (default 100)
  --only T          measure only T: corral or incus
  --no-build        use what is already built instead of `mvn -DskipTests package`
  -h, --help        this text
environment: INCUS_SOCKET (default /var/lib/incus/unix.socket),
             CORRALD (default packaging/target/corral/bin/corrald)
EOF2
}

EXECS=100
WARM=10
PUSHES=5
SIZE_MB=100
ONLY=""
BUILD=1
while [ $# -gt 0 ]; do
    case "$1" in
        --execs) EXECS=${2:?--execs needs a value}; shift 2 ;;
        --warm) WARM=${2:?--warm needs a value}; shift 2 ;;
        --pushes) PUSHES=${2:?--pushes needs a value}; shift 2 ;;
        --size) SIZE_MB=${2:?--size needs a value}; shift 2 ;;
        --only) ONLY=${2:?--only needs a value}; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run-exec-files.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done
case "$ONLY" in
    ""|corral|incus) ;;
    *) echo "run-exec-files.sh: --only takes corral or incus, not $ONLY" >&2; exit 2 ;;
esac

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$ROOT/bench/lib.sh"
CORRALD=${CORRALD:-$ROOT/packaging/target/corral/bin/corrald}
IMAGE_TARBALL=$ROOT/packaging/target/corral/images/busybox.tar.gz
INCUS_SOCKET=${INCUS_SOCKET:-/var/lib/incus/unix.socket}
INCUSD=/usr/libexec/incus/incusd
INCUS=/usr/bin/incus

# Names this script owns on Incus (created for the run, removed after it, removed first when left over).
NAME=corralbench-ef
POOL=corralbench-ef
PROFILE=corralbench-ef
ALIAS=corralbench-ef-busybox

WORK=$(mktemp -d /tmp/corral-bench-ef.XXXXXX)
CORRAL_DIR=""
CORRAL_PID=""
INCUS_PID=""
INCUS_TOUCHED=0

# The incus CLI against Corral's scratch directory or against Incus's socket.
on_corral() { INCUS_DIR=$CORRAL_DIR INCUS_CONF=$WORK/conf-corral "$INCUS" "$@"; }
on_incus() { INCUS_DIR=$(dirname "$INCUS_SOCKET") INCUS_CONF=$WORK/conf-incus "$INCUS" "$@"; }

now_ns() { date +%s%N; }

# Percentile $2 (0-100) of the numbers in file $1, nearest rank.
percentile() {
    sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END { if (NR == 0) { print ""; exit } r = int((p / 100) * NR + 0.999999); if (r < 1) r = 1; if (r > NR) r = NR; printf "%.1f", v[r] }'
}

# Measures one target: $1 its label, $2 the function that runs the CLI against it.
measure() {
    local label=$1 cli=$2 i t0 t1
    log "$label: launching $NAME"
    "$cli" delete -f "$NAME" >/dev/null 2>&1 || true
    if [ "$label" = incus ]; then
        "$cli" launch "$ALIAS" "$NAME" -p "$PROFILE" >/dev/null 2>&1
    else
        "$cli" launch busybox "$NAME" >/dev/null 2>&1
    fi
    log "$label: exec round trips ($WARM unmeasured, $EXECS measured)"
    for ((i = 0; i < WARM; i++)); do "$cli" exec "$NAME" -- true; done
    : >"$WORK/$label.exec"
    for ((i = 0; i < EXECS; i++)); do
        t0=$(now_ns)
        "$cli" exec "$NAME" -- true
        t1=$(now_ns)
        echo "scale=3; ($t1 - $t0) / 1000000" | bc >>"$WORK/$label.exec"
    done
    log "$label: file push and pull of $SIZE_MB MiB (1 unmeasured, $PUSHES measured)"
    : >"$WORK/$label.push"
    : >"$WORK/$label.pull"
    for ((i = 0; i <= PUSHES; i++)); do
        rm -f "$WORK/pulled"
        t0=$(now_ns)
        "$cli" file push "$WORK/payload" "$NAME/root/payload" >/dev/null
        t1=$(now_ns)
        [ "$i" = 0 ] || echo "scale=3; ($t1 - $t0) / 1000000" | bc >>"$WORK/$label.push"
        t0=$(now_ns)
        "$cli" file pull "$NAME/root/payload" "$WORK/pulled" >/dev/null
        t1=$(now_ns)
        [ "$i" = 0 ] || echo "scale=3; ($t1 - $t0) / 1000000" | bc >>"$WORK/$label.pull"
        cmp -s "$WORK/payload" "$WORK/pulled" || { echo "run-exec-files.sh: $label: pulled file differs" >&2; exit 1; }
    done
    "$cli" delete -f "$NAME" >/dev/null
}

stop_corral() {
    if [ -n "$CORRAL_PID" ]; then
        on_corral delete -f "$NAME" >/dev/null 2>&1 || true
        stop_corrald
    fi
}

incus_teardown() {
    [ "$INCUS_TOUCHED" = 1 ] || return 0
    INCUS_TOUCHED=0
    log "removing the Incus set-up"
    on_incus delete -f "$NAME" >/dev/null 2>&1 || true
    on_incus image delete "$ALIAS" >/dev/null 2>&1 || true
    on_incus profile delete "$PROFILE" >/dev/null 2>&1 || true
    on_incus storage delete "$POOL" >/dev/null 2>&1 || true
}

incus_setup() {
    INCUS_TOUCHED=1
    on_incus delete -f "$NAME" >/dev/null 2>&1 || true
    on_incus image delete "$ALIAS" >/dev/null 2>&1 || true
    on_incus profile delete "$PROFILE" >/dev/null 2>&1 || true
    on_incus storage delete "$POOL" >/dev/null 2>&1 || true
    log "Incus set-up: dir pool $POOL, profile $PROFILE (root disk only), image alias $ALIAS"
    on_incus storage create "$POOL" dir >/dev/null
    on_incus profile create "$PROFILE" >/dev/null
    on_incus profile device add "$PROFILE" root disk path=/ pool="$POOL" >/dev/null
    on_incus image import "$IMAGE_TARBALL" --alias "$ALIAS" >/dev/null
}

# shellcheck disable=SC2317  # called through the EXIT trap
cleanup_hook() {
    stop_corral
    incus_teardown
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

for tool in bc cmp setsid; do
    command -v "$tool" >/dev/null || { echo "run-exec-files.sh: $tool is required" >&2; exit 2; }
done
[ -x "$INCUS" ] || { echo "run-exec-files.sh: $INCUS is required (incus-client)" >&2; exit 2; }
build_unless_told
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom >"$WORK/payload"

if [ "$ONLY" != incus ]; then
    start_corrald
    measure corral on_corral
    stop_corral
fi

if [ "$ONLY" != corral ]; then
    ensure_incus || { echo "run-exec-files.sh: no Incus answers on $INCUS_SOCKET" >&2; exit 1; }
    incus_setup
    measure incus on_incus
    incus_teardown
fi

# The table: p50 and p90 per measure, and Corral's over Incus's (for exec, lower is better; for files too, as
# these are times).
printf '\n%-22s %10s %10s %10s %10s %8s %8s\n' measure "corral p50" "p90" "incus p50" "p90" "p50 r" "p90 r"
for m in exec push pull; do
    c50=""; c90=""; i50=""; i90=""
    [ -s "$WORK/corral.$m" ] && c50=$(percentile "$WORK/corral.$m" 50) && c90=$(percentile "$WORK/corral.$m" 90)
    [ -s "$WORK/incus.$m" ] && i50=$(percentile "$WORK/incus.$m" 50) && i90=$(percentile "$WORK/incus.$m" 90)
    case $m in
        exec) what="exec round trip ms" ;;
        push) what="push ${SIZE_MB} MiB ms" ;;
        pull) what="pull ${SIZE_MB} MiB ms" ;;
    esac
    printf '%-22s %10s %10s %10s %10s %8s %8s\n' "$what" "${c50:--}" "${c90:--}" "${i50:--}" "${i90:--}" \
        "$(ratio "$c50" "$i50")" "$(ratio "$c90" "$i90")"
done
echo "(ratio = corral / incus: below 1.00 Corral is faster; goals: exec p50 <= Incus, push p50 <= Incus)"
