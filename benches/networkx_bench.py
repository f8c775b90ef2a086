"""Times NetworkX on the graphs `cargo bench --bench algorithms` wrote to target/bench-graphs/,
the same algorithms with the same parameters, and writes target/bench-graphs/networkx.json
(seconds per run: the median of up to 3 runs, a single run for the slow ones).

    python3 benches/networkx_bench.py [--skip-slow]
"""

import argparse
import json
import os
import statistics
import sys
import time

import networkx as nx

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "bench-graphs")


def load(n):
    d = nx.DiGraph()
    d.add_nodes_from(range(n))
    with open(os.path.join(ROOT, "ba-%d.edges" % n)) as f:
        for line in f:
            if not line.startswith("#"):
                a, b = line.split()
                d.add_edge(int(a), int(b))
    with open(os.path.join(ROOT, "ba-%d.pairs" % n)) as f:
        pairs = [tuple(map(int, line.split())) for line in f]
    return d, pairs


def timed(fn, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-slow", action="store_true", help="leave out exact betweenness and closeness")
    a = ap.parse_args()
    out = {"networkx": nx.__version__, "python": sys.version.split()[0], "results": {}}
    for n in [10_000, 100_000]:
        d, pairs = load(n)
        u = d.to_undirected(as_view=False)
        runs = 3 if n <= 10_000 else 1
        cases = {
            "pagerank": lambda: nx.pagerank(d),
            "degree_centrality": lambda: nx.degree_centrality(u),
            "eigenvector": lambda: nx.eigenvector_centrality(u),
            "betweenness_approx/100": lambda: nx.betweenness_centrality(u, k=100, seed=0),
            "components": lambda: list(nx.connected_components(u)),
            "louvain": lambda: nx.community.louvain_communities(u, seed=0),
            "label_propagation": lambda: list(nx.community.asyn_lpa_communities(u, seed=0)),
            "shortest_path/100 pairs": lambda: [nx.has_path(u, x, y) and nx.shortest_path(u, x, y) for x, y in pairs],
        }
        if n <= 10_000 and not a.skip_slow:
            cases["betweenness"] = lambda: nx.betweenness_centrality(u)
            cases["closeness"] = lambda: nx.closeness_centrality(u)
        for name, fn in cases.items():
            slow = name in ("betweenness", "closeness", "louvain", "label_propagation") and n > 10_000
            secs = timed(fn, 1 if slow or name in ("betweenness", "closeness") else runs)
            out["results"]["ba-%d/%s" % (n, name)] = secs
            print("ba-%d/%s: %.4f s" % (n, name, secs), flush=True)
    with open(os.path.join(ROOT, "networkx.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
