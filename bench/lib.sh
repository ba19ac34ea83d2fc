# Shell helpers shared by the bench/run*.sh scripts (sourced, not run). The scripts set ROOT, WORK (their scratch
# directory), CORRALD, INCUS_SOCKET, INCUSD and BUILD; the daemons they start are in CORRAL_DIR, CORRAL_PID and
# INCUS_PID, which bench_cleanup stops and removes.
# shellcheck shell=bash

log() { printf '== %s\n' "$*"; }

# True while a process of session $1 is running. Zombies do not count: the leader stays one until reaped.
session_alive() {
    # shellcheck disable=SC2009  # pgrep counts zombies as alive; ps shows their state.
    ps -o stat= -s "$1" 2>/dev/null | grep -qv '^Z'
}

# Stops a session we started with setsid: SIGTERM, then SIGKILL after $3 seconds.
stop_group() {
    local pid=$1 name=$2 grace=$3 i
    kill -TERM -- "-$pid" 2>/dev/null || return 0
    for ((i = 0; i < grace * 10; i++)); do
        session_alive "$pid" || break
        sleep 0.1
    done
    if session_alive "$pid"; then
        echo "$name (pid $pid) ignored SIGTERM for ${grace}s: killing it" >&2
        kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    # Reap it; its exit status after a signal is expected to be non-zero.
    wait "$pid" 2>/dev/null || true
}

# True when GET / on the socket answers HTTP 200.
answers() {
    [ -S "$1" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 --unix-socket "$1" http://localhost/)" = 200 ]
}

# Waits up to $2 seconds for the socket to answer; gives up early if process $3 died. $4 is its log.
wait_for() {
    local socket=$1 seconds=$2 pid=$3 logfile=$4 i
    for ((i = 0; i < seconds * 10; i++)); do
        if answers "$socket"; then return 0; fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "the daemon exited before answering on $socket; last lines of its log:" >&2
            tail -n 30 "$logfile" >&2
            return 1
        fi
        sleep 0.1
    done
    echo "no answer on $socket after ${seconds}s; last lines of the log:" >&2
    tail -n 30 "$logfile" >&2
    return 1
}

# a / b with 2 decimals, or n/a when either is missing or b is zero.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'
}

# Finds bench/target/corral-bench-*.jar under $1 (the repository root) and prints the class path for the tools.
bench_classpath() {
    local jar
    for jar in "$1"/bench/target/corral-bench-*.jar; do
        if [ -f "$jar" ]; then
            printf '%s:%s/bench/target/lib/*\n' "$jar" "$1"
            return 0
        fi
    done
    echo "bench/target/corral-bench-*.jar is missing; run without --no-build" >&2
    return 1
}

# Builds everything (mvn package) unless the script was given --no-build (BUILD=0).
build_unless_told() {
    if [ "${BUILD:-1}" = 1 ]; then
        log "building (mvn -B -q -DskipTests package)"
        (cd "$ROOT" && mvn -B -q -DskipTests package)
    fi
}

# Starts $CORRALD on a new scratch CORRAL_DIR, its output in $WORK/corrald.log; fails when it does not answer.
start_corrald() {
    CORRAL_DIR=$(mktemp -d /tmp/corral-dir.XXXXXX)
    log "starting corrald with CORRAL_DIR=$CORRAL_DIR"
    CORRAL_DIR="$CORRAL_DIR" setsid "$CORRALD" >"$WORK/corrald.log" 2>&1 </dev/null &
    CORRAL_PID=$!
    wait_for "$CORRAL_DIR/unix.socket" 60 "$CORRAL_PID" "$WORK/corrald.log"
}

# Stops the corrald start_corrald started (at once after measuring: an idle JVM would compete with Incus).
stop_corrald() {
    if [ -n "${CORRAL_PID:-}" ]; then
        stop_group "$CORRAL_PID" corrald 5
        CORRAL_PID=""
    fi
}

# Succeeds when an Incus answers on $INCUS_SOCKET; starts $INCUSD for the run when none does and the socket is
# the default one (bench_cleanup stops it again).
ensure_incus() {
    answers "$INCUS_SOCKET" && return 0
    [ -x "$INCUSD" ] && [ "$INCUS_SOCKET" = /var/lib/incus/unix.socket ] || return 1
    log "starting $INCUSD --group root (stopped again at the end)"
    setsid "$INCUSD" --group root >"$WORK/incusd.log" 2>&1 </dev/null &
    INCUS_PID=$!
    wait_for "$INCUS_SOCKET" 60 "$INCUS_PID" "$WORK/incusd.log"
}

# The EXIT trap of every script: the script's own cleanup_hook first (when it defines one), then the daemons it
# started and its files.
# shellcheck disable=SC2317  # called through the EXIT trap
bench_cleanup() {
    local rc=$?
    trap - INT TERM
    if declare -F cleanup_hook >/dev/null; then cleanup_hook; fi
    stop_corrald
    if [ -n "${INCUS_PID:-}" ]; then
        log "stopping the incusd this script started"
        stop_group "$INCUS_PID" incusd 30
    fi
    if [ -n "${CORRAL_DIR:-}" ]; then rm -rf -- "$CORRAL_DIR"; fi
    rm -rf -- "$WORK"
    exit "$rc"
}

# The value of key $2 in the result file $WORK/$1.txt; empty when that target did not run.
kv() { sed -n "s/^$2=//p" "$WORK/$1.txt" 2>/dev/null || true; }

# The request benchmarks' table (RequestBench result files $WORK/corral.txt and $WORK/incus.txt).
request_table() {
    local label
    printf '%-8s %10s %9s %9s %9s %9s %7s %8s %7s\n' target req/s 'p50 ms' 'p90 ms' 'p99 ms' 'max ms' errors bytes \
        'cli cpu'
    for label in corral incus; do
        if [ -s "$WORK/$label.txt" ]; then
            printf '%-8s %10s %9s %9s %9s %9s %7s %8s %7s\n' "$label" "$(kv "$label" rps)" "$(kv "$label" p50_ms)" \
                "$(kv "$label" p90_ms)" "$(kv "$label" p99_ms)" "$(kv "$label" max_ms)" "$(kv "$label" errors)" \
                "$(kv "$label" body_bytes)" "$(kv "$label" client_cores)"
        else
            printf '%-8s %10s\n' "$label" "not run"
        fi
    done
    echo "corral/incus  p99 ratio $(ratio "$(kv corral p99_ms)" "$(kv incus p99_ms)") (lower is better)," \
        "req/s ratio $(ratio "$(kv corral rps)" "$(kv incus rps)") (higher is better)"
}
