#!/usr/bin/env bash
# On-demand benchmarks: Corral's request throughput and latency side by side with a real Incus, then
# Corral's start-up time. Never run by the Maven build. See bench/README.md for how to read the output.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: bench/run.sh [options]
  --duration S      measured seconds per target (default 10)
  --warmup S        warm-up seconds per target, not measured (default 2)
  --concurrency N   keep-alive connections, one request in flight each (default 8)
  --path P          request path (default /1.0)
  --runs N          start-up runs (default 5)
  --no-build        use what is already built instead of `mvn -DskipTests package`
  --no-startup      skip the start-up benchmark
  -h, --help        this text
environment: INCUS_SOCKET (default /var/lib/incus/unix.socket),
             CORRALD (default packaging/target/corral/bin/corrald)
EOF
}

DURATION=10
WARMUP=2
CONCURRENCY=8
REQ_PATH=/1.0
RUNS=5
BUILD=1
STARTUP=1
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) DURATION=${2:?--duration needs a value}; shift 2 ;;
        --warmup) WARMUP=${2:?--warmup needs a value}; shift 2 ;;
        --concurrency) CONCURRENCY=${2:?--concurrency needs a value}; shift 2 ;;
        --path) REQ_PATH=${2:?--path needs a value}; shift 2 ;;
        --runs) RUNS=${2:?--runs needs a value}; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --no-startup) STARTUP=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done

for tool in curl setsid ps; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 2; }
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$ROOT/bench/lib.sh"
CORRALD=${CORRALD:-$ROOT/packaging/target/corral/bin/corrald}
INCUS_SOCKET=${INCUS_SOCKET:-/var/lib/incus/unix.socket}
INCUSD=/usr/libexec/incus/incusd
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

WORK=$(mktemp -d /tmp/corral-bench.XXXXXX)   # results and daemon logs
CORRAL_DIR=""
CORRAL_PID=""
INCUS_PID=""
STATUS=0

trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# Runs RequestBench against one socket; the figures land in $WORK/<label>.txt.
request_bench() {
    local label=$1 socket=$2
    log "RequestBench: $label"
    "$JAVA" -cp "$CP" dev.corral.bench.RequestBench --socket "$socket" --label "$label" --path "$REQ_PATH" \
        --concurrency "$CONCURRENCY" --warmup "$WARMUP" --duration "$DURATION" --result-file "$WORK/$label.txt"
}

build_unless_told
CP=$(bench_classpath "$ROOT") || exit 2

log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (other work skews the figures)"
log "settings: GET $REQ_PATH, concurrency $CONCURRENCY, warm-up ${WARMUP}s, measured ${DURATION}s per target"

# --- Corral ---------------------------------------------------------------------------------------------
if [ -x "$CORRALD" ]; then
    if start_corrald; then
        request_bench corral "$CORRAL_DIR/unix.socket" || STATUS=1
    else
        STATUS=1
    fi
    stop_corrald
else
    echo "run.sh: $CORRALD not found: Corral skipped (build the packaging module)" >&2
    STATUS=2
fi

# --- Incus ----------------------------------------------------------------------------------------------
if ensure_incus; then
    request_bench incus "$INCUS_SOCKET" || STATUS=1
else
    echo "run.sh: no Incus answering on $INCUS_SOCKET: Incus skipped" >&2
fi

# --- Side by side ---------------------------------------------------------------------------------------
echo
request_table
echo

# --- Start-up -------------------------------------------------------------------------------------------
if [ "$STARTUP" = 1 ] && [ -x "$CORRALD" ]; then
    log "StartupBench: corrald, $RUNS runs"
    "$JAVA" -cp "$CP" dev.corral.bench.StartupBench --runs "$RUNS" -- "$CORRALD" || STATUS=1
fi
exit "$STATUS"
