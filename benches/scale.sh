#!/usr/bin/env bash
# Start time, memory, query latency and throughput at 1k, 10k, 100k and 1M nodes, from one run:
# for each size it generates a seed folder, loads it and writes a snapshot (`aidgraph
# snapshot`), starts the server from the snapshot, times queries over HTTP one at a time, and
# runs wrk (32 connections, 10 s) on the nested ministry query as a POST (parsed once, then
# validated and executed on every request: no response cache). Ratios against a raw baseline
# are benches/load.sh's job.
#   bash benches/scale.sh                 # 1k 10k 100k 1M (about 15 minutes on 2 cores)
#   SIZES="1000 10000" bash benches/scale.sh
# Prints the markdown table kept in BENCHMARKS.md. Needs curl, python3 and wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000 10000 100000 1000000"}
WORK=${WORK:-target/scale}
PORT=${PORT:-18181}
RUNS=${RUNS:-50}
cargo build --release --quiet --bin aidgraph
BIN=target/release/aidgraph
mkdir -p "$WORK"

# Peak RSS (MiB) and wall seconds of a command, from GNU time.
measure() {
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/stderr.txt" || {
    cat "$WORK/stderr.txt" >&2; return 1; }
  read -r secs kib <"$WORK/time.txt"
  echo "$secs $((kib / 1024))"
}

# Starts the server with the given data flags; prints seconds until /readyz answers 200 and
# the peak RSS (MiB) at that moment; leaves the server running (pid in $WORK/pid).
start() {
  local t0 t1
  t0=$(date +%s.%N)
  AIDGRAPH_LOG=warn "$BIN" serve --addr 127.0.0.1:$PORT --rate-limit 0 --max-page-size 1000 "$@" \
    >"$WORK/server.log" 2>&1 &
  echo $! >"$WORK/pid"
  until curl -fs -o /dev/null "http://127.0.0.1:$PORT/readyz"; do
    kill -0 "$(cat "$WORK/pid")" 2>/dev/null || { cat "$WORK/server.log" >&2; return 1; }
    sleep 0.01
  done
  t1=$(date +%s.%N)
  local hwm
  hwm=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$(cat "$WORK/pid")/status")
  python3 -c "print('%.2f' % ($t1 - $t0), $hwm)"
}

stop() {
  kill "$(cat "$WORK/pid")" 2>/dev/null || true
  wait "$(cat "$WORK/pid")" 2>/dev/null || true
}

# Median and p90 latency (ms) of a GraphQL query over HTTP, from $RUNS runs after 5 warm-ups.
latency() {
  python3 - "$PORT" "$RUNS" "$1" <<'PY'
import http.client, json, sys, time, statistics
port, runs, query = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
body = json.dumps({"query": query})
conn = http.client.HTTPConnection("127.0.0.1", port)
times = []
for i in range(runs + 5):
    t = time.perf_counter()
    conn.request("POST", "/graphql", body, {"content-type": "application/json"})
    r = conn.getresponse(); data = r.read()
    if i >= 5: times.append((time.perf_counter() - t) * 1e3)
    doc = json.loads(data)
    if r.status != 200 or "errors" in doc:
        sys.exit("query failed: %s" % data[:300])
times.sort()
print("%.2f %.2f" % (statistics.median(times), times[int(len(times) * 0.9)]))
PY
}

gql() {
  curl -fs -H 'content-type: application/json' "http://127.0.0.1:$PORT/graphql" \
    -d "$(python3 -c 'import json,sys; print(json.dumps({"query": sys.argv[1]}))' "$1")"
}

HUB='{ node(id: "org:hub-agency") { ... on Organization { implements: relations(type: IMPLEMENTS, first: 20, after: "CURSOR") { totalCount edges { node { id } } } } } }'
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo
# Requests per second and p99 (ms) of a POST of one query, from wrk.
throughput() {
  python3 -c 'import json,sys; print("wrk.method = \"POST\"\nwrk.headers[\"content-type\"] = \"application/json\"\nwrk.body = " + json.dumps(json.dumps({"query": sys.argv[1]})))' "$1" >"$WORK/post.lua"
  wrk -t2 -c32 -d2s -s "$WORK/post.lua" "http://127.0.0.1:$PORT/graphql" >/dev/null
  wrk -t2 -c32 -d10s --latency -s "$WORK/post.lua" "http://127.0.0.1:$PORT/graphql" >"$WORK/wrk.txt"
  if grep -q 'Non-2xx' "$WORK/wrk.txt"; then cat "$WORK/wrk.txt" >&2; return 1; fi
  python3 - "$WORK/wrk.txt" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
m = re.search(r"99%\s+([\d.]+)(us|ms|s)", t)
p99 = float(m.group(1)) * {"us": 1e-3, "ms": 1, "s": 1e3}[m.group(2)]
print("%.0f %.2f" % (rps, p99))
PY
}

echo "| nodes | relations | generate | load files + build | RSS | snapshot bytes/node | bytes/relation | start from snapshot | RSS | hub page (degree) | leaf page | search | nested ministry query | its throughput, 32 connections (p99) |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in $SIZES; do
  dir="$WORK/seed-$n"; snap="$WORK/graph-$n.snapshot"
  rm -rf "$dir"
  read -r gen_s _ < <(measure "$BIN" generate --format seed --nodes "$n" --seed 42 --out "$dir")
  read -r load_s load_mib < <(measure "$BIN" snapshot --seed "$dir" --out "$snap")
  summary=$(cat "$WORK/stderr.txt")
  nodes=$(sed -E 's/.*: ([0-9]+) nodes.*/\1/' <<<"$summary")
  rels=$(sed -E 's/.*nodes, ([0-9]+) relations.*/\1/' <<<"$summary")
  per_node=$(sed -E 's/.*\(([0-9.]+) per node.*/\1/' <<<"$summary")
  per_rel=$(sed -E 's/.*, ([0-9.]+) per relation.*/\1/' <<<"$summary")
  read -r start_s start_mib < <(start --snapshot "$snap")
  # The hub's 10,000th relation as the cursor: a page deep inside its list.
  first=$(gql '{ node(id: "org:hub-agency") { ... on Organization { relations(type: IMPLEMENTS, first: 1) { totalCount edges { cursor } } } } }')
  degree=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["data"]["node"]["relations"]["totalCount"])' "$first")
  deep=$(gql "{ node(id: \"org:hub-agency\") { ... on Organization { relations(type: IMPLEMENTS, first: 1000) { pageInfo { endCursor } } } } }")
  cursor=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["data"]["node"]["relations"]["pageInfo"]["endCursor"])' "$deep")
  read -r hub_ms _ < <(latency "${HUB/CURSOR/$cursor}")
  leaf=$(gql '{ projects(first: 1) { nodes { id } } }' | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["projects"]["nodes"][0]["id"])')
  read -r leaf_ms _ < <(latency "{ node(id: \"$leaf\") { ... on Project { relations(first: 20) { totalCount edges { node { id } } } } } }")
  read -r search_ms _ < <(latency '{ search(query: "labour rights", first: 10) { totalCount edges { node { id } } } }')
  ministry=$(gql '{ organizations(first: 1, where: { kind: [MINISTRY] }) { nodes { id } } }' | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["organizations"]["nodes"][0]["id"])')
  nested="{ node(id: \"$ministry\") { ... on Organization { name fundedProjects(first: 5) { totalCount edges { node { id title countries { nodes { code name } } outcomes { nodes { label value unit qualifier } } } } } } } }"
  read -r nested_ms _ < <(latency "$nested")
  read -r rps p99 < <(throughput "$nested")
  stop
  printf "| %s | %s | %.1f s | %.1f s | %s MiB | %s | %s | %s s | %s MiB | %s ms (%s) | %s ms | %s ms | %s ms | %s req/s (%s ms) |\n" \
    "$nodes" "$rels" "$gen_s" "$load_s" "$load_mib" "$per_node" "$per_rel" "$start_s" "$start_mib" \
    "$hub_ms" "$degree" "$leaf_ms" "$search_ms" "$nested_ms" "$rps" "$p99"
  rm -rf "$dir"
done
