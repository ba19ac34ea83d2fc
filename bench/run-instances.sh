#!/usr/bin/env bash
# On-demand instance lifecycle benchmark: LifecycleBench against Corral, then against the real Incus on this
# machine, then a side-by-side table. Never run by the Maven build. See bench/README.md.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: bench/run-instances.sh [options]
  --count N         instances per target (default 20)
  --parallel P      lifecycle operations in flight at once (default 2)
  --requests N      requests per latency phase, list and state (default 500)
  --concurrency N   connections per latency phase (default 8)
  --warm-rounds N   unmeasured lifecycle rounds per target before the measured one (default 1; 0 measures
                    a corrald fresh from start-up, JIT cold)
  --only T          measure only T: corral or incus
  --no-build        use what is already built instead of `mvn -DskipTests package`
  -h, --help        this text
environment: INCUS_SOCKET (default /var/lib/incus/unix.socket),
             CORRALD (default packaging/target/corral/bin/corrald)
EOF
}

COUNT=20
PARALLEL=2
REQUESTS=500
CONCURRENCY=8
WARM_ROUNDS=1
BUILD=1
ONLY=""
while [ $# -gt 0 ]; do
    case "$1" in
        --count) COUNT=${2:?--count needs a value}; shift 2 ;;
        --parallel) PARALLEL=${2:?--parallel needs a value}; shift 2 ;;
        --requests) REQUESTS=${2:?--requests needs a value}; shift 2 ;;
        --concurrency) CONCURRENCY=${2:?--concurrency needs a value}; shift 2 ;;
        --warm-rounds) WARM_ROUNDS=${2:?--warm-rounds needs a value}; shift 2 ;;
        --only) ONLY=${2:?--only needs a value}; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run-instances.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done
case "$WARM_ROUNDS" in
    ''|*[!0-9]*) echo "run-instances.sh: --warm-rounds takes a number, not $WARM_ROUNDS" >&2; exit 2 ;;
esac
case "$ONLY" in
    ""|corral|incus) ;;
    *) echo "run-instances.sh: --only takes corral or incus, not $ONLY" >&2; exit 2 ;;
esac

for tool in curl setsid ps sha256sum; do
    command -v "$tool" >/dev/null || { echo "run-instances.sh: $tool is required" >&2; exit 2; }
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$ROOT/bench/lib.sh"
CORRALD=${CORRALD:-$ROOT/packaging/target/corral/bin/corrald}
IMAGE_TARBALL=$ROOT/packaging/target/corral/images/busybox.tar.gz
# Exported: the incus CLI that sets Incus up talks to the same daemon as the benchmark.
export INCUS_SOCKET=${INCUS_SOCKET:-/var/lib/incus/unix.socket}
INCUSD=/usr/libexec/incus/incusd
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

# Names this script owns. Instances named $PREFIX* are deleted before and after each run, on both targets;
# on Incus, the pool, the profile and the image alias below are created for the run and removed after it
# (left over by an interrupted run, they are removed first).
PREFIX=corralbench-
POOL=corralbench
PROFILE=corralbench
ALIAS=corralbench-busybox

WORK=$(mktemp -d /tmp/corral-bench.XXXXXX)   # results and daemon logs
CORRAL_DIR=""
CORRAL_PID=""
INCUS_PID=""
INCUS_TOUCHED=0     # 1 once the Incus set-up began: the clean-up then sweeps and removes what was made
POOL_MADE=0
PROFILE_MADE=0
IMAGE_IMPORTED=""   # fingerprint of the image this run imported
ALIAS_MADE=0        # 1 when only the alias was added (the image was there already, not ours)
STATUS=0

# Runs LifecycleBench; the figures land in $WORK/<label>.txt. Extra arguments go to the tool.
lifecycle() {
    local label=$1 socket=$2
    shift 2
    "$JAVA" -cp "$CP" dev.corral.bench.LifecycleBench --socket "$socket" --label "$label" --prefix "$PREFIX" \
        --count "$COUNT" --parallel "$PARALLEL" --requests "$REQUESTS" --concurrency "$CONCURRENCY" \
        --result-file "$WORK/$label.txt" "$@"
}

# Runs the unmeasured warm-up rounds, then the measured one; extra arguments go to LifecycleBench.
measure() {
    local label=$1 socket=$2 r rc=0
    shift 2
    for ((r = 1; r <= WARM_ROUNDS; r++)); do
        log "LifecycleBench: $label, unmeasured warm-up round $r of $WARM_ROUNDS (100 requests per latency phase)"
        if ! lifecycle "$label-warm$r" "$socket" --requests 100 "$@" >"$WORK/$label-warm$r.log" 2>&1; then
            rc=1
            cat "$WORK/$label-warm$r.log"
        else
            sed -n '/^phase /,/^total /p' "$WORK/$label-warm$r.log"
        fi
    done
    log "LifecycleBench: $label, measured round; load average $(cut -d' ' -f1-3 /proc/loadavg)"
    lifecycle "$label" "$socket" "$@" || rc=1
    return "$rc"
}

# Deletes the $PREFIX* instances left on a daemon (after an interrupted LifecycleBench); bounded to 2 minutes.
sweep() {
    "$JAVA" -cp "$CP" dev.corral.bench.LifecycleBench --socket "$1" --label "$2" --prefix "$PREFIX" \
        --phase-timeout 120 --sweep-only
}

# corrald starts containers with lxc-start, which leaves its session: stop whatever still runs in its lxcpath.
kill_corral_containers() {
    local lxcpath=$CORRAL_DIR/containers c
    [ -d "$lxcpath" ] && command -v lxc-ls >/dev/null || return 0
    for c in $(lxc-ls -P "$lxcpath" --running -1 2>/dev/null); do
        echo "run-instances.sh: container $c of the scratch corrald still runs: lxc-stop -k" >&2
        lxc-stop -k -P "$lxcpath" -n "$c" || true
    done
}

stop_corral() {
    stop_corrald
    kill_corral_containers
}

# Removes what incus_setup made, in reverse order. Every step is best effort: one failure must not stop the rest.
incus_teardown() {
    [ "$INCUS_TOUCHED" = 1 ] || return 0
    INCUS_TOUCHED=0
    log "removing the Incus set-up"
    sweep "$INCUS_SOCKET" incus || echo "run-instances.sh: sweeping $PREFIX* on Incus failed" >&2
    if [ "$ALIAS_MADE" = 1 ]; then incus image alias delete "$ALIAS" || true; fi
    if [ -n "$IMAGE_IMPORTED" ]; then incus image delete "$IMAGE_IMPORTED" || true; fi
    if [ "$PROFILE_MADE" = 1 ]; then incus profile delete "$PROFILE" || true; fi
    if [ "$POOL_MADE" = 1 ]; then incus storage delete "$POOL" || true; fi
}

# Gives Incus what the comparison needs, none of which it has by default: a dir pool, a profile whose only
# device is a root disk on it (no nic: Corral has no network either), and Corral's busybox image.
incus_setup() {
    local fingerprint
    INCUS_TOUCHED=1
    # Leftovers of an interrupted run: instances first (they use the profile, the pool and the image).
    sweep "$INCUS_SOCKET" incus
    if incus image info "$ALIAS" >/dev/null 2>&1; then
        log "removing the image aliased $ALIAS left by an earlier run"
        incus image delete "$ALIAS"
    fi
    if incus profile show "$PROFILE" >/dev/null 2>&1; then
        log "removing profile $PROFILE left by an earlier run"
        incus profile delete "$PROFILE"
    fi
    if incus storage show "$POOL" >/dev/null 2>&1; then
        log "removing storage pool $POOL left by an earlier run"
        incus storage delete "$POOL"
    fi

    log "Incus set-up: dir pool $POOL, profile $PROFILE (root disk only), image alias $ALIAS"
    incus storage create "$POOL" dir >/dev/null
    POOL_MADE=1
    incus profile create "$PROFILE" >/dev/null
    PROFILE_MADE=1
    incus profile device add "$PROFILE" root disk path=/ pool="$POOL" >/dev/null
    # A unified image's fingerprint is the tarball's SHA-256.
    fingerprint=$(sha256sum "$IMAGE_TARBALL" | cut -d' ' -f1)
    if incus image info "$fingerprint" >/dev/null 2>&1; then
        incus image alias create "$ALIAS" "$fingerprint" >/dev/null
        ALIAS_MADE=1
    else
        incus image import "$IMAGE_TARBALL" --alias "$ALIAS" >/dev/null
        IMAGE_IMPORTED=$fingerprint
    fi
}

# shellcheck disable=SC2317  # called through the EXIT trap
cleanup_hook() {
    if [ -n "$CORRAL_PID" ] && answers "$CORRAL_DIR/unix.socket"; then
        sweep "$CORRAL_DIR/unix.socket" corral || true
    fi
    stop_corral
    incus_teardown
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# "yes"/"no" for a goal: $1 op $2, or "n/a" when $1 is missing.
goal() {
    awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN {
        if (a == "" || a == "n/a") { print " n/a"; exit }
        ok = (op == ">=") ? (a + 0 >= b + 0) : (a + 0 <= b + 0)
        printf "%s %s %s: %s", "", op, b, ok ? "met" : "NOT met" }'
}

# One phase's rates; $2 is the goal for the ratio (or empty), $3 the row name, $4 a suffix of the result files.
rate_row() {
    local phase=$1 target=${2:-} name=${3:-$1} c=corral${4:-} i=incus${4:-} r
    r=$(ratio "$(kv "$c" "${phase}_rate")" "$(kv "$i" "${phase}_rate")")
    printf '%-16s %12s %7s %12s %7s %8s  %s\n' "$name" "$(kv "$c" "${phase}_rate")" \
        "$(kv "$c" "${phase}_errors")" "$(kv "$i" "${phase}_rate")" "$(kv "$i" "${phase}_errors")" "$r" \
        "${target:+goal$(goal "$r" ">=" "$target")}"
}

latency_row() {
    local phase=$1 c50 c99 i50 i99
    c50=$(kv corral "${phase}_p50_ms"); c99=$(kv corral "${phase}_p99_ms")
    i50=$(kv incus "${phase}_p50_ms"); i99=$(kv incus "${phase}_p99_ms")
    printf '%-16s %10s %9s %7s %10s %9s %7s %7s %7s\n' "$phase" "$c50" "$c99" "$(kv corral "${phase}_errors")" \
        "$i50" "$i99" "$(kv incus "${phase}_errors")" "$(ratio "$c50" "$i50")" "$(ratio "$c99" "$i99")"
}

build_unless_told
CP=$(bench_classpath "$ROOT") || exit 2
if [ ! -f "$IMAGE_TARBALL" ]; then
    echo "run-instances.sh: $IMAGE_TARBALL is missing (build the packaging module)" >&2
    exit 2
fi

log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (other work skews the figures)"
log "settings: $COUNT instances, $PARALLEL operations at a time; $REQUESTS requests per latency phase on" \
    "$CONCURRENCY connections"

# --- Corral ---------------------------------------------------------------------------------------------
if [ "$ONLY" != incus ]; then
    if [ -x "$CORRALD" ]; then
        if start_corrald; then
            measure corral "$CORRAL_DIR/unix.socket" || STATUS=1
        else
            STATUS=1
        fi
        if [ "$STATUS" != 0 ]; then
            echo "--- last lines of the corrald log ---" >&2
            tail -n 40 "$WORK/corrald.log" >&2
        fi
        stop_corral
    else
        echo "run-instances.sh: $CORRALD not found: Corral skipped (build the packaging module)" >&2
        STATUS=2
    fi
fi

# --- Incus ----------------------------------------------------------------------------------------------
if [ "$ONLY" != corral ]; then
    if ! command -v incus >/dev/null; then
        echo "run-instances.sh: the incus CLI is missing (it sets Incus up): Incus skipped" >&2
    elif ensure_incus; then
        incus_setup
        measure incus "$INCUS_SOCKET" --image "$ALIAS" --profile "$PROFILE" || STATUS=1
        incus_teardown
    else
        echo "run-instances.sh: no Incus answering on $INCUS_SOCKET: Incus skipped" >&2
    fi
fi

# --- Side by side ---------------------------------------------------------------------------------------
echo
echo "lifecycle: operations per second ($COUNT instances, $PARALLEL at a time, after $WARM_ROUNDS warm-up round(s));" \
    "ratio = corral / incus, higher is better"
printf '%-16s %12s %7s %12s %7s %8s\n' phase 'corral op/s' errors 'incus op/s' errors ratio
rate_row launch 1.5
rate_row stop 10
rate_row start
rate_row freeze
rate_row unfreeze
rate_row stop2
rate_row delete
if [ "$WARM_ROUNDS" -gt 0 ]; then
    echo "first warm-up round (corrald fresh from start-up, JIT cold):"
    rate_row launch "" "launch, cold" -warm1
    rate_row stop "" "stop, cold" -warm1
fi
echo
echo "latency ms ($REQUESTS requests, $CONCURRENCY connections, $COUNT running instances); ratio = corral / incus," \
    "lower is better"
printf '%-16s %10s %9s %7s %10s %9s %7s %7s %7s\n' request 'corral p50' p99 errors 'incus p50' p99 errors 'p50 r' 'p99 r'
latency_row list
latency_row state
echo "state p50 goal$(goal "$(kv corral state_p50_ms)" "<=" 5) (corral, ms)"
exit "$STATUS"
