#!/usr/bin/env bash
# The benchmark: builds the release binary, generates synthetic archives (10k, 100k and 1M
# events by default), serves each on a loopback port and drives it with wrk at concurrency 1
# and 64. Prints a table and writes it, with the machine and the command, to bench/RESULTS.md.
#
# Each archive is measured twice: as served (repeat views come from the in-memory page cache)
# and with the page cache off (`--page-cache-mib 0`), where every request builds its page from
# the database, as a first view does.
#
#   bench/run.sh
#   BENCH_SIZES="10000 100000" BENCH_DURATION=5 bench/run.sh
#
# Environment:
#   BENCH_SIZES     archive sizes in events            (default "10000 100000 1000000"; empty: the real dataset only)
#   BENCH_DURATION  seconds per measurement             (default 10)
#   BENCH_DIR       where archives and logs are kept    (default target/bench)
#   BENCH_SEED      the generator's seed                (default 1)
#   BENCH_OUT       the results file                    (default bench/RESULTS.md)
#   BENCH_BIN       a tradewatch binary to measure      (default: target/release, built first)
#
# Archives are kept in BENCH_DIR and reused by later runs with the same size and seed (their
# load time is then the one measured when they were generated). Everything listens on
# 127.0.0.1 only, and every load run is bounded by BENCH_DURATION.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
SIZES=${BENCH_SIZES-"10000 100000 1000000"}
DURATION=${BENCH_DURATION:-10}
DIR=${BENCH_DIR:-$ROOT/target/bench}
SEED=${BENCH_SEED:-1}
OUT=${BENCH_OUT:-$ROOT/bench/RESULTS.md}
BIN=${BENCH_BIN:-$ROOT/target/release/tradewatch}
COMMAND="${BENCH_SIZES+BENCH_SIZES=\"$BENCH_SIZES\" }${BENCH_DURATION:+BENCH_DURATION=$BENCH_DURATION }bench/run.sh"
mkdir -p "$DIR"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

log() { printf '==> %s\n' "$*" >&2; }

# --- tools -----------------------------------------------------------------------------------
need() { # COMMAND PACKAGE
    if ! command -v "$1" >/dev/null 2>&1; then
        log "installing $2"
        local sudo=""
        [ "$(id -u)" -ne 0 ] && sudo=sudo
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null ||
            { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }
    fi
}
need wrk wrk
need sqlite3 sqlite3
need curl curl
need python3 python3
need nginx nginx-light

if [ -z "${BENCH_BIN:-}" ]; then
    log "building the release binary"
    cargo build --release --quiet
fi

# --- helpers ---------------------------------------------------------------------------------
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

now_ms() { date +%s%3N; }

SERVER_PID=""
NGINX_PID=""
stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
}
stop_nginx() {
    if [ -n "$NGINX_PID" ]; then
        kill "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
        NGINX_PID=""
    fi
}
trap 'stop_server; stop_nginx' EXIT

# start_server DB STATIC_DIR [ARGS...]: starts the server, sets PORT, SERVER_PID, COLD_MS (the
# time until /healthz answers: the server loads the stored event index before it listens, so
# this is the start-up to full speed), then INDEX_MS, the time until /healthz reports the index
# ready (the same, or a little more), and INDEX_MIB its size as the server logged it.
start_server() {
    PORT=$(free_port)
    local started db=$1 static=$2
    shift 2
    started=$(now_ms)
    RUST_LOG=${SERVER_LOG:-warn,tradewatch::db::index=info} "$BIN" --bind "127.0.0.1:$PORT" --database-url "sqlite:$db" \
        --static-dir "$static" "$@" >"$DIR/server.log" 2>&1 &
    SERVER_PID=$!
    COLD_MS=""
    for _ in $(seq 1 30000); do
        if [ -z "$COLD_MS" ] && curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then
            COLD_MS=$(($(now_ms) - started))
        fi
        if [ -n "$COLD_MS" ] && curl -fsS "http://127.0.0.1:$PORT/healthz" 2>/dev/null | grep -q 'index: ready'; then
            INDEX_MS=$(($(now_ms) - started))
            INDEX_MIB=$(sed -n 's/.*event index [a-z ]*.* mib=\([0-9]*\).*/\1/p' "$DIR/server.log" | tail -1)
            return 0
        fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            log "the server stopped:"; cat "$DIR/server.log" >&2; exit 1
        fi
        sleep 0.01
    done
    log "the server or its event index was not ready within 300 s"; exit 1
}

# to_ms VALUE: wrk's "812.00us", "1.23ms" or "1.01s" in milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n = n * 60000; else if (v ~ /s$/) n = n * 1000
        printf "%.2f", n }'
}

ROWS=()
# measure LABEL URL: one row per concurrency: rps, p50, p99, max (ms).
measure() {
    local label=$1 url=$2 c threads output rps p50 p99 max errors status
    status=$(curl -s -o /dev/null -w '%{http_code}' "$url")
    if [ "$status" != 200 ]; then
        log "$label: $url answered $status"; exit 1
    fi
    for c in 1 64; do
        threads=$((c < 2 ? 1 : 2))
        output=$(wrk -t"$threads" -c"$c" -d"${DURATION}s" --latency "$url")
        rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' <<<"$output")
        p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$output")")
        p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$output")")
        max=$(to_ms "$(awk '$1 == "Latency" { print $4 }' <<<"$output")")
        errors=$(awk '/Non-2xx|Socket errors/ { print }' <<<"$output" | tr '\n' ' ')
        ROWS+=("| $SIZE_LABEL | $MODE | $label | $c | $rps | $p50 | $p99 | $max | ${errors:-} |")
        LAST_RPS=$rps
        printf '%-10s %-8s %-44s c=%-3s %8s req/s  p50 %8s ms  p99 %8s ms  max %8s ms %s\n' \
            "$SIZE_LABEL" "$MODE" "$label" "$c" "$rps" "$p50" "$p99" "$max" "${errors:-}" >&2
    done
}

# nginx_reference PAGE_URL NAME: the page's bytes (as served without compression) served as a
# file by nginx, access log off, on the same cores: the reference a repeat view is held to.
nginx_reference() {
    local url=$1 root=$DIR/nginx-root nport conf
    mkdir -p "$root"
    curl -fsS -o "$root/page.html" "$url"
    nport=$(free_port)
    conf=$DIR/nginx.conf
    cat >"$conf" <<EOF
daemon off;
worker_processes 2;
pid $DIR/nginx.pid;
error_log $DIR/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    open_file_cache max=16;
    default_type text/html;
    server {
        listen 127.0.0.1:$nport;
        root $root;
    }
}
EOF
    nginx -c "$conf" -p "$DIR" &
    NGINX_PID=$!
    for _ in $(seq 1 100); do
        curl -fsS -o /dev/null "http://127.0.0.1:$nport/page.html" 2>/dev/null && break
        sleep 0.05
    done
    measure "nginx: the same $(stat -c %s "$root/page.html") bytes as $2" "http://127.0.0.1:$nport/page.html"
    stop_nginx
}

sql() { sqlite3 -readonly "$1" "$2"; }

# endpoints: the requests of the issue, against $base.
endpoints() {
    measure "/" "$base/"
    measure "/?official&topic" "$base/?official=$busiest&topic=$topic"
    measure "/?from&to (one month)" "$base/?from=$year-03&to=$year-03"
    measure "/?q=" "$base/?q=tariffs"
    measure "/events/{slug}" "$base/events/$event"
    measure "/officials/{busiest}" "$base/officials/$busiest"
    measure "/topics/{slug}" "$base/topics/$topic"
    measure "/api/v1/events?official&kind" "$base/api/v1/events?official=$busiest&kind=meeting&limit=50"
    measure "/api/v1/events?cursor (deep)" "$base/api/v1/events?cursor=$deep&limit=50"
    measure "/search?q=" "$base/search?q=export+controls"
}

SUMMARY=()
MODE=cached
# --- the real dataset ------------------------------------------------------------------------
SIZE_LABEL="real"
REAL_DB=$DIR/real.db
rm -f "$REAL_DB" "$REAL_DB-wal" "$REAL_DB-shm"
start_server "$REAL_DB" "$DIR/static"
stop_server
log "real dataset: seeded"
start_server "$REAL_DB" "$DIR/static"
REAL_EVENTS=$(sql "$REAL_DB" "SELECT COUNT(*) FROM events")
measure "/" "http://127.0.0.1:$PORT/"
# Repeat views against nginx, in the same run: the page from the page cache with request logging
# off (the server at warn), the same bytes from nginx with its access log off, then the page
# again with the server's default logging (a line per request).
page="/?official=gina-raimondo&topic=export-controls"
measure "$page" "http://127.0.0.1:$PORT$page"
app_rps=$LAST_RPS
nginx_reference "http://127.0.0.1:$PORT$page" "$page"
nginx_rps=$LAST_RPS
SUMMARY+=("| real ($REAL_EVENTS events) | – | $COLD_MS | $INDEX_MS | ${INDEX_MIB:-–} | $(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status") | – |")
stop_server
SERVER_LOG=info start_server "$REAL_DB" "$DIR/static"
MODE="cached, request log on"
measure "$page" "http://127.0.0.1:$PORT$page"
logged_rps=$LAST_RPS
MODE=cached
stop_server
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
NGINX_ROWS=(
    "| tradewatch, request log off | $app_rps | $(ratio "$app_rps" "$nginx_rps")× |"
    "| tradewatch, default request log | $logged_rps | $(ratio "$logged_rps" "$nginx_rps")× |"
    "| nginx, access log off | $nginx_rps | 1.00× |"
)

# --- synthetic archives ----------------------------------------------------------------------
for SIZE in $SIZES; do
    SIZE_LABEL=$SIZE
    DB=$DIR/archive-$SIZE-$SEED.db
    if [ ! -f "$DB" ] || [ ! -f "$DB.load" ]; then
        rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.load"
        log "generating $SIZE events"
        "$BIN" generate --events "$SIZE" --seed "$SEED" --database-url "sqlite:$DB" | tee "$DIR/generate-$SIZE.log" >&2
        sed -n 's/.* in \([0-9.]*\) s;.*/\1/p' "$DIR/generate-$SIZE.log" >"$DB.load"
    fi
    LOAD="$(cat "$DB.load") s"
    # The page cache holds the file after generating; cold start is measured on a warm cache.
    start_server "$DB" "$DIR/static"
    base="http://127.0.0.1:$PORT"
    busiest=$(sql "$DB" "SELECT p.slug FROM people p JOIN event_value_counts v ON v.facet = 'official' AND v.slug = p.slug ORDER BY v.count DESC LIMIT 1" 2>/dev/null ||
        sql "$DB" "SELECT p.slug FROM event_people ep JOIN people p ON p.id = ep.person_id GROUP BY p.id ORDER BY COUNT(*) DESC LIMIT 1")
    topic=$(sql "$DB" "SELECT slug FROM topics ORDER BY id LIMIT 1 OFFSET 5")
    event=$(sql "$DB" "SELECT slug FROM events WHERE id = (SELECT MAX(id) / 2 FROM events)")
    deep=$(sql "$DB" "SELECT date_start || '.' || date_end || '.' || slug FROM events WHERE id = (SELECT MAX(id) * 9 / 10 FROM events)")
    year=$(sql "$DB" "SELECT substr(date_start, 1, 4) FROM events WHERE id = (SELECT MAX(id) / 2 FROM events)")

    endpoints
    rss=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status")
    stop_server
    # Every request builds its page: the cost of first views.
    MODE=rendered
    start_server "$DB" "$DIR/static" --page-cache-mib 0
    base="http://127.0.0.1:$PORT"
    endpoints
    rendered_rss=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status")
    stop_server
    MODE=cached
    # Cold start on the existing database.
    start_server "$DB" "$DIR/static"
    SUMMARY+=("| $SIZE | $LOAD | $COLD_MS | $INDEX_MS | ${INDEX_MIB:-–} | $rss | $rendered_rss |")
    stop_server
done

# --- the report ------------------------------------------------------------------------------
{
    echo "# Benchmark results"
    echo
    echo "Written by \`$COMMAND\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)."
    echo
    echo "## Machine"
    echo
    echo '```'
    echo "CPU:    $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores"
    free -m | sed 's/^/        /' | sed '1s/^        /memory: /'
    echo "kernel: $(uname -sr)"
    echo "load average before/after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)"
    echo '```'
    echo
    echo "wrk runs on the same 2 cores as the server (1 thread at c=1, 2 threads at c=64) for ${DURATION} s per"
    echo "row; the server logs at \`warn\`. Latencies are in milliseconds. Figures taken while other builds"
    echo "share the machine are noisy: read them beside the load average above."
    echo
    echo "## Requests"
    echo
    echo "\`cached\`: as served, repeat views from the page cache. \`rendered\`: the page cache off, every"
    echo "request built from the database as a first view is."
    echo
    echo "| events | pages | request | c | req/s | p50 | p99 | max | errors |"
    echo "|---|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "## Repeat views against nginx"
    echo
    echo "The real dataset's \`$page\` at c=64, from the page cache, beside nginx serving the same"
    echo "bytes as a file in the same run (target: at least 0.8× nginx, both logs off)."
    echo
    echo "| server | req/s | of nginx |"
    echo "|---|---|---|"
    printf '%s\n' "${NGINX_ROWS[@]}"
    echo
    echo "## Archive, start and memory"
    echo
    echo "| events | generator load time | cold start to /healthz (ms) | event index ready (ms) | index (MiB) | peak RSS, cached (MB) | peak RSS, rendered (MB) |"
    echo "|---|---|---|---|---|---|---|"
    printf '%s\n' "${SUMMARY[@]}"
    # The reading of these figures against the targets, kept by hand beside the script.
    if [ -f "$ROOT/bench/notes.md" ]; then
        echo
        cat "$ROOT/bench/notes.md"
    fi
} >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
log "wrote $OUT"
cat "$OUT"
