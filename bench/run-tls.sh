#!/usr/bin/env bash
# On-demand benchmark: Corral's HTTPS request throughput and latency (TLS 1.3, client certificate, keep-alive)
# side by side with a real Incus, in the same run. Never run by the Maven build. See bench/README.md.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: bench/run-tls.sh [options]
  --duration S      measured seconds per target (default 10)
  --warmup S        warm-up seconds per target, not measured (default 2)
  --concurrency N   keep-alive TLS connections, one request in flight each (default 8)
  --path P          request path (default /1.0)
  --no-build        use what is already built instead of `mvn -DskipTests package`
  -h, --help        this text
environment: INCUS_SOCKET (default /var/lib/incus/unix.socket),
             CORRALD (default packaging/target/corral/bin/corrald)
Both daemons listen on 127.0.0.1 only. Incus is left as found: its core.https_address is restored and the
certificate this script trusts (name corralbench-tls) is removed again.
EOF
}

DURATION=10
WARMUP=2
CONCURRENCY=8
REQ_PATH=/1.0
BUILD=1
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) DURATION=${2:?--duration needs a value}; shift 2 ;;
        --warmup) WARMUP=${2:?--warmup needs a value}; shift 2 ;;
        --concurrency) CONCURRENCY=${2:?--concurrency needs a value}; shift 2 ;;
        --path) REQ_PATH=${2:?--path needs a value}; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run-tls.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done

for tool in curl setsid ps openssl jq base64; do
    command -v "$tool" >/dev/null || { echo "run-tls.sh: $tool is required" >&2; exit 2; }
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$ROOT/bench/lib.sh"
CORRALD=${CORRALD:-$ROOT/packaging/target/corral/bin/corrald}
INCUS_SOCKET=${INCUS_SOCKET:-/var/lib/incus/unix.socket}
INCUSD=/usr/libexec/incus/incusd
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
CERT_NAME=corralbench-tls   # the name of the trusted certificate on both daemons; owned by this script

WORK=$(mktemp -d /tmp/corral-bench-tls.XXXXXX)   # client key, results and daemon logs
CERT=$WORK/client.crt
KEY=$WORK/client.key
CORRAL_DIR=""
CORRAL_PID=""
INCUS_PID=""
INCUS_CERT_FP=""        # set before the trust request: the trap removes that certificate again
INCUS_ADDR_CHANGED=0    # 1 once we asked Incus to listen elsewhere: the trap restores INCUS_ADDR_OLD
INCUS_ADDR_OLD=""
STATUS=0

# Sends a request to the REST API on unix socket $1 ($2 method, $3 path, $4 optional JSON body) and prints the
# answer; fails, saying why, when the answer is not a 2xx or is an error envelope.
api() {
    local socket=$1 method=$2 path=$3 body=${4-} answer code
    local args=(-sS --max-time 30 --unix-socket "$socket" -X "$method" -w '\n%{http_code}')
    if [ -n "$body" ]; then args+=(-H 'Content-Type: application/json' --data-binary "$body"); fi
    answer=$(curl "${args[@]}" "http://localhost$path") || { echo "$method $path: curl failed" >&2; return 1; }
    code=${answer##*$'\n'}
    answer=${answer%$'\n'*}
    if [ "${code:0:1}" != 2 ] || [ "$(jq -r '.type // ""' <<<"$answer" 2>/dev/null)" = error ]; then
        echo "$method $path -> HTTP $code $answer" >&2
        return 1
    fi
    printf '%s\n' "$answer"
}

# Prints a loopback TCP port that nothing listens on (a short race with other programs is possible).
free_port() {
    local port i
    for ((i = 0; i < 100; i++)); do
        port=$((20000 + RANDOM % 40000))
        if ! (: <"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    echo "run-tls.sh: no free loopback port found" >&2
    return 1
}

# Sets core.https_address of the daemon behind unix socket $1 to $2 ("" unsets it).
set_https_address() {
    api "$1" PATCH /1.0 "$(jq -cn --arg a "$2" '{config: {"core.https_address": $a}}')" >/dev/null
}

# Trusts the client certificate on the daemon behind unix socket $1 (what `incus config trust add-certificate`
# sends: base64 DER).
trust_client() {
    local body
    body=$(jq -cn --arg name "$CERT_NAME" --arg cert "$(openssl x509 -in "$CERT" -outform DER | base64 -w0)" \
        '{type: "client", name: $name, certificate: $cert}')
    api "$1" POST /1.0/certificates "$body" >/dev/null
}

# Waits up to 10 s until https://$1 answers GET /1.0 to our certificate as a trusted client.
wait_trusted() {
    local address=$1 auth="" i
    for ((i = 0; i < 100; i++)); do
        auth=$(curl -sk --max-time 2 --cert "$CERT" --key "$KEY" "https://$address/1.0" 2>/dev/null \
            | jq -r '.metadata.auth // ""' 2>/dev/null) || auth=""
        if [ "$auth" = trusted ]; then return 0; fi
        sleep 0.1
    done
    echo "run-tls.sh: https://$address/1.0 does not answer our certificate as trusted (auth: '${auth}')" >&2
    return 1
}

# shellcheck disable=SC2317  # called through the EXIT trap
restore_incus() {
    if [ -n "$INCUS_CERT_FP" ]; then
        log "removing the certificate $CERT_NAME (${INCUS_CERT_FP:0:12}) from Incus's trust store"
        # 404: the trust request never got through.
        if ! api "$INCUS_SOCKET" DELETE "/1.0/certificates/$INCUS_CERT_FP" >/dev/null 2>"$WORK/delete.err" \
            && ! grep -q 'HTTP 404' "$WORK/delete.err"; then
            cat "$WORK/delete.err" >&2
            echo "run-tls.sh: could not remove $INCUS_CERT_FP from Incus: do it with" \
                "\`incus config trust remove $INCUS_CERT_FP\`" >&2
        fi
        INCUS_CERT_FP=""
    fi
    if [ "$INCUS_ADDR_CHANGED" = 1 ]; then
        log "restoring Incus's core.https_address to '${INCUS_ADDR_OLD}'"
        if ! set_https_address "$INCUS_SOCKET" "$INCUS_ADDR_OLD"; then
            echo "run-tls.sh: could not restore Incus's core.https_address: set it back to '${INCUS_ADDR_OLD}'" \
                "(empty: unset) with \`incus config set core.https_address ...\`" >&2
        fi
        INCUS_ADDR_CHANGED=0
    fi
}

# shellcheck disable=SC2317  # called through the EXIT trap
cleanup_hook() { restore_incus; }
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# Runs RequestBench over HTTPS against $2 (host:port), pinning the server certificate $3 if not empty; the
# figures land in $WORK/<label>.txt.
request_bench() {
    local label=$1 address=$2 fingerprint=$3
    log "RequestBench: $label over https://$address (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    "$JAVA" -cp "$CP" dev.corral.bench.RequestBench --https "$address" --cert "$CERT" --key "$KEY" \
        ${fingerprint:+--server-fingerprint "$fingerprint"} --label "$label" --path "$REQ_PATH" \
        --concurrency "$CONCURRENCY" --warmup "$WARMUP" --duration "$DURATION" --result-file "$WORK/$label.txt"
}

build_unless_told
CP=$(bench_classpath "$ROOT") || exit 2

# A new client certificate per run: ECDSA P-384, self-signed, for TLS client authentication. The key goes
# through `openssl pkcs8` because RequestBench reads PKCS#8 ("PRIVATE KEY") only.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:secp384r1 -sha384 -nodes -days 1 \
    -subj "/CN=$CERT_NAME" -addext "basicConstraints=critical,CA:FALSE" \
    -addext "keyUsage=critical,digitalSignature" -addext "extendedKeyUsage=clientAuth" \
    -keyout "$WORK/client.raw.key" -out "$CERT" 2>"$WORK/openssl.log" \
    || { cat "$WORK/openssl.log" >&2; exit 2; }
openssl pkcs8 -topk8 -nocrypt -in "$WORK/client.raw.key" -out "$KEY"
CERT_FP=$(openssl x509 -in "$CERT" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')

log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (other work skews the figures)"
log "settings: GET $REQ_PATH over TLS 1.3 with a client certificate (${CERT_FP:0:12}), concurrency $CONCURRENCY," \
    "warm-up ${WARMUP}s, measured ${DURATION}s per target"

# --- Corral ---------------------------------------------------------------------------------------------
if [ -x "$CORRALD" ]; then
    if start_corrald; then
        CORRAL_ADDR=127.0.0.1:$(free_port)
        if set_https_address "$CORRAL_DIR/unix.socket" "$CORRAL_ADDR" && trust_client "$CORRAL_DIR/unix.socket" \
            && wait_trusted "$CORRAL_ADDR"; then
            fingerprint=$(api "$CORRAL_DIR/unix.socket" GET /1.0 \
                | jq -r '.metadata.environment.certificate_fingerprint // ""') || fingerprint=""
            request_bench corral "$CORRAL_ADDR" "$fingerprint" || STATUS=1
        else
            STATUS=1
        fi
    else
        STATUS=1
    fi
    stop_corrald
else
    echo "run-tls.sh: $CORRALD not found: Corral skipped (build the packaging module)" >&2
    STATUS=2
fi

# --- Incus ----------------------------------------------------------------------------------------------
if ensure_incus; then
    if server=$(api "$INCUS_SOCKET" GET /1.0); then
        ready=1
        INCUS_ADDR_OLD=$(jq -r '.metadata.config["core.https_address"] // ""' <<<"$server")
        fingerprint=$(jq -r '.metadata.environment.certificate_fingerprint // ""' <<<"$server")
        # A listener on loopback already is used as it is: changing it would cut off whoever uses it now.
        if [[ "$INCUS_ADDR_OLD" =~ ^(127\.0\.0\.1|\[::1\]):[0-9]+$ ]]; then
            INCUS_ADDR=$INCUS_ADDR_OLD
            log "Incus already listens on $INCUS_ADDR: using that, core.https_address unchanged"
        else
            INCUS_ADDR=127.0.0.1:$(free_port)
            log "Incus's core.https_address is '${INCUS_ADDR_OLD}': setting it to $INCUS_ADDR for this run"
            INCUS_ADDR_CHANGED=1
            set_https_address "$INCUS_SOCKET" "$INCUS_ADDR" || ready=0
        fi
        # Certificates an interrupted run left behind (a new one is made every run, so names are enough).
        for fp in $(api "$INCUS_SOCKET" GET '/1.0/certificates?recursion=1' \
                | jq -r --arg n "$CERT_NAME" '.metadata[] | select(.name == $n) | .fingerprint'); do
            log "removing $CERT_NAME ${fp:0:12}, left behind by an earlier run"
            api "$INCUS_SOCKET" DELETE "/1.0/certificates/$fp" >/dev/null || ready=0
        done
        INCUS_CERT_FP=$CERT_FP
        if [ "$ready" = 1 ] && trust_client "$INCUS_SOCKET" && wait_trusted "$INCUS_ADDR"; then
            request_bench incus "$INCUS_ADDR" "$fingerprint" || STATUS=1
        else
            STATUS=1
        fi
        restore_incus
    else
        STATUS=1
    fi
else
    echo "run-tls.sh: no Incus answering on $INCUS_SOCKET: Incus skipped" >&2
fi

# --- Side by side ---------------------------------------------------------------------------------------
echo
request_table
exit "$STATUS"
