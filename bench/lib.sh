# Shell helpers shared by bench/run.sh and bench/run-instances.sh (sourced, not run).
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
