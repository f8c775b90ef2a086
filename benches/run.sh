#!/usr/bin/env bash
# Runs the algorithm benchmarks and NetworkX on the same graphs, in one run, and prints the
# comparison table kept in BENCHMARKS.md.
#   bash benches/run.sh            # everything (about 20 minutes on 2 cores)
#   SKIP_SLOW=1 bash benches/run.sh  # without NetworkX's exact betweenness and closeness
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import networkx, scipy' 2>/dev/null || python3 -m pip install --quiet networkx scipy numpy
cargo bench --bench algorithms -- --noplot
python3 benches/networkx_bench.py ${SKIP_SLOW:+--skip-slow}
python3 - <<'PY'
import json, os
root = "target/criterion"
nx = json.load(open("target/bench-graphs/networkx.json"))
print("NetworkX %s, Python %s; %s" % (nx["networkx"], nx["python"], os.uname().machine))
print("| graph | algorithm | aidgraph (median) | NetworkX | NetworkX / aidgraph |")
print("|---|---|---:|---:|---:|")
def fmt(s):
    return "%.3f s" % s if s >= 1 else ("%.2f ms" % (s * 1e3) if s >= 1e-3 else "%.1f µs" % (s * 1e6))
for group in sorted(os.listdir(root)):
    if not group.startswith("ba-"):
        continue
    for dirpath, dirs, files in sorted(os.walk(os.path.join(root, group))):
        if os.path.basename(dirpath) != "new" or "estimates.json" not in files:
            continue
        name = os.path.relpath(os.path.dirname(dirpath), os.path.join(root, group))
        ours = json.load(open(os.path.join(dirpath, "estimates.json")))["median"]["point_estimate"] / 1e9
        theirs = nx["results"].get("%s/%s" % (group, name))
        ratio = "%.0fx" % (theirs / ours) if theirs else "n/a"
        print("| %s | %s | %s | %s | %s |" % (group, name, fmt(ours), fmt(theirs) if theirs else "not run", ratio))
PY
