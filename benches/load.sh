#!/usr/bin/env bash
# Throughput of aidgraph's /graphql against a raw axum baseline answering the same bytes,
# measured with wrk in one run. Prints the machine, then a table per scenario: response
# bytes, raw and aidgraph requests per second, their ratio, and p50/p99 latencies.
#
#   bash benches/load.sh                     the built-in seed
#   bash benches/load.sh --seed DIR          a seed folder (or DATA=DIR bash benches/load.sh),
#                                            e.g. one written by `aidgraph generate --format seed`
#   bash benches/load.sh --iati FILE         IATI files beside the seed (repeatable; or IATI=...)
#   bash benches/load.sh --snapshot FILE     a graph snapshot (or SNAPSHOT=FILE), e.g. one written
#                                            by `aidgraph generate --format snapshot`
#
# Environment: THREADS (2), CONNS (32), DURATION (10s), WARMUP (2s), PORT (18180),
# RAW_PORT (18181), MAX_VARIANTS (1000: distinct variable sets in scenario a), KEEP=1 keeps the
# work folder, QUIET (15: the share of CPU time, in percent, other processes may use in the
# 3 s before the first wrk run without the run being marked BUSY), CARGO_TARGET_DIR.
#
# Scenarios (benches/load/prepare.py writes them; BENCHMARKS.md explains them):
#   (a) ministry -> funded projects -> countries and outcomes, POST, a different variable set
#       (organisation, page size, cursor) on each request: the uncached path;
#   (b) the same query, GET, one variable set repeated: response-cache hits;
#   (c) the same, as an APQ GET carrying only the hash: response-cache hits;
#   (d) a page of 1,000 projects, POST, distinct cursors (needs >= 1,000 projects);
#   (e) that page over GET, repeated: response-cache hits.
# Then examples/breakdown.rs times each step of (a) and (d) in-process (read, parse, analyze,
# validate, execute, serialise; and the planned executor's run); the server's CPU time per
# request gives the rest (HTTP).
#
# The raw baseline (examples/raw_baseline.rs) is sent the same request bodies (and for GETs
# the same query strings, on the path of the stored answer) and answers the
# bytes aidgraph gave for each request, captured just before; prepare.py --verify checks one
# request per scenario on both servers before wrk starts.
set -euo pipefail
cd "$(dirname "$0")/.."

THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
PORT=${PORT:-18180}
RAW_PORT=${RAW_PORT:-18181}
MAX_VARIANTS=${MAX_VARIANTS:-1000}
QUIET=${QUIET:-15}
DATA=${DATA:-}
SNAPSHOT=${SNAPSHOT:-}
read -r -a iati_files <<<"${IATI:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --seed) DATA=$2; shift 2 ;;
    --iati) iati_files+=("$2"); shift 2 ;;
    --snapshot) SNAPSHOT=$2; shift 2 ;;
    -h|--help) sed -n "2,30p" "$0"; exit 0 ;;
    *) echo "load.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

for tool in wrk python3 curl cargo; do
  command -v "$tool" >/dev/null || { echo "load.sh: needs $tool (wrk: apt-get install wrk)" >&2; exit 2; }
done

target=${CARGO_TARGET_DIR:-target}
echo "== building (release): aidgraph, examples/raw_baseline and examples/breakdown" >&2
cargo build --release --bin aidgraph --example raw_baseline --example breakdown >&2

work=$(mktemp -d "${TMPDIR:-/tmp}/aidgraph-load.XXXXXX")
server_pid=""
raw_pid=""
cleanup() {
  for pid in $server_pid $raw_pid; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "${KEEP:-0}" = 1 ]; then echo "work folder kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

data_args=()
data_name="the built-in seed"
if [ -n "$DATA" ]; then
  data_args+=(--seed "$DATA")
  data_name="seed folder $DATA"
fi
for f in "${iati_files[@]}"; do
  data_args+=(--iati "$f")
  data_name="$data_name + IATI $f"
done
if [ -n "$SNAPSHOT" ]; then
  [ -n "$DATA" ] || [ ${#iati_files[@]} -gt 0 ] && { echo "load.sh: --snapshot replaces --seed and --iati" >&2; exit 2; }
  data_args=(--snapshot "$SNAPSHOT")
  data_name="snapshot $SNAPSHOT"
fi

server_cmd=(env AIDGRAPH_LOG=warn "$target/release/aidgraph" serve --rate-limit 0
  --max-page-size 1000 --addr "127.0.0.1:$PORT" "${data_args[@]}")
echo "== starting: ${server_cmd[*]}" >&2
"${server_cmd[@]}" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 1200); do
  curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null || { echo "load.sh: aidgraph did not become ready" >&2; exit 1; }

echo "== capturing each scenario's answers" >&2
python3 benches/load/prepare.py "http://127.0.0.1:$PORT" "$work" "$MAX_VARIANTS"
"$target/release/examples/raw_baseline" "127.0.0.1:$RAW_PORT" "$work/raw" 2>"$work/raw.log" &
raw_pid=$!
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$RAW_PORT/" 2>/dev/null && break
  sleep 0.1
done
python3 benches/load/prepare.py --verify "http://127.0.0.1:$PORT" "http://127.0.0.1:$RAW_PORT" "$work"

readyz=$(curl -s "http://127.0.0.1:$PORT/readyz")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
cores=$(nproc)
# What else runs now: the CPU time used in 3 s while both servers are idle (the load average
# still counts the build that just ran).
cpu_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat; }
read -r b0 t0 < <(cpu_busy)
sleep 3
read -r b1 t1 < <(cpu_busy)
other=$(( (b1 - b0) * 100 / (t1 - t0 > 0 ? t1 - t0 : 1) ))
busy=$(( other > QUIET ? 1 : 0 ))

ticks=$(getconf CLK_TCK)
cpu_ticks() { # pid -> user + system clock ticks so far
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

run_wrk() { # side scenario -> RESULT line, with the server's CPU time during the run
  local side=$1 name=$2 url pid
  if [ "$side" = raw ]; then url="http://127.0.0.1:$RAW_PORT"; pid=$raw_pid; else url="http://127.0.0.1:$PORT"; pid=$server_pid; fi
  local file="$work/$name.$side.req"
  wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s benches/load/requests.lua "$url" -- "$file" >/dev/null
  local before after
  before=$(cpu_ticks "$pid")
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s benches/load/requests.lua "$url" -- "$file" \
    >"$work/$name.$side.wrk"
  after=$(cpu_ticks "$pid")
  grep '^RESULT' "$work/$name.$side.wrk" \
    | sed "s/^RESULT /RESULT scenario=$name side=$side cpu_us=$(( (after - before) * 1000000 / ticks )) /"
}

results="$work/results.txt"
: >"$results"
for name in $(python3 -c 'import json,sys; print(" ".join(s["name"] for s in json.load(open(sys.argv[1])) if "skipped" not in s))' "$work/scenarios.json"); do
  echo "== scenario $name: raw baseline, then aidgraph ($THREADS threads, $CONNS connections, $DURATION after $WARMUP of warm-up each)" >&2
  run_wrk raw "$name" >>"$results"
  run_wrk graphql "$name" >>"$results"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
curl -s "http://127.0.0.1:$PORT/metrics" | grep -E '^aidgraph_(response_cache|document_cache)' >"$work/cache-metrics.txt" || true

# The per-step breakdown of the uncached scenarios, in-process (both servers stay idle).
for name in a d; do
  [ -f "$work/$name.graphql.req" ] || continue
  echo "== breakdown of scenario $name" >&2
  "$target/release/examples/breakdown" "$work/$name.graphql.req" "${data_args[@]}" \
    >"$work/breakdown-$name.txt" 2>/dev/null
done

python3 benches/load/report.py "$work" <<EOF
{"cpu": $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().strip()))'),
 "cores": $cores,
 "memory": "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)",
 "kernel": "$(uname -sr)",
 "date": "$(date -u +%Y-%m-%dT%H:%MZ)",
 "commit": "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo +dirty)",
 "rustc": "$(rustc -V 2>/dev/null || echo unknown)",
 "wrk": "$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)",
 "load_before": "$load_before", "load_after": "$load_after", "busy": $busy, "other": $other,
 "threads": $THREADS, "connections": $CONNS, "duration": "$DURATION", "warmup": "$WARMUP",
 "data": "$data_name",
 "server": $(printf '%s' "${server_cmd[*]}" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))'),
 "readyz": $readyz}
EOF
