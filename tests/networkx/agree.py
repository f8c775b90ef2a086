"""Checks aidgraph's exports and graph algorithms against NetworkX, the reference researchers
trust, on the built-in seed and on random donor networks of 2,000+ nodes.

For each graph it starts the real server, then:
- downloads every export format and loads it with NetworkX's own readers: node and edge
  counts, and every node's attributes, must agree across formats and with the graph;
- recomputes PageRank (directed simple view), betweenness, closeness, eigenvector and degree
  centrality (undirected simple view) with NetworkX and compares them, as exported and as
  served by GraphQL `centrality`, to 1e-6;
- checks that our Louvain partition's modularity is at least NetworkX's louvain_communities
  modularity minus 0.01, and that the modularity we report is NetworkX's for our partition;
- compares components and shortest path lengths (directed and undirected views).

    python3 tests/networkx/agree.py --binary target/release/aidgraph [--nodes 2000 --seeds 1 2]

Exits 1 with a list of disagreements, 0 when everything agrees.
"""

import argparse
import csv
import io
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import networkx as nx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import synth  # noqa: E402

TOL = 1e-6
FORMATS = ["graphml", "gexf", "node-link", "cytoscape", "nodes.csv", "edges.csv"]
METRICS = ["degree", "pagerank", "betweenness", "closeness", "eigenvector", "community"]


class Server:
    def __init__(self, binary, seed_dir):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        # Many requests from one address, as fast as they go: no rate limit; warnings only,
        # since stderr is a pipe read only if the server dies.
        args = [binary, "serve", "--addr", "127.0.0.1:%d" % self.port, "--rate-limit", "0"]
        if seed_dir:
            args += ["--seed", seed_dir]
        env = dict(os.environ, AIDGRAPH_LOG="warn")
        self.proc = subprocess.Popen(
            args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("server exited: %s" % self.proc.stderr.read().decode())
            try:
                self.get("/healthz")
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("server did not start within 120 s")

    def get(self, path):
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (self.port, path), timeout=600) as r:
            return r.read(), r.headers

    def graphql(self, query, variables=None):
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        req = urllib.request.Request(
            "http://127.0.0.1:%d/graphql" % self.port, body, {"content-type": "application/json"}
        )
        try:
            with urllib.request.urlopen(req, timeout=600) as r:
                out = json.loads(r.read())
        except urllib.error.HTTPError as e:
            raise AssertionError("HTTP %d: %s" % (e.code, e.read().decode()[:500])) from None
        if out.get("errors"):
            raise AssertionError("GraphQL errors: %s" % out["errors"])
        return out["data"]

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


class Report:
    def __init__(self, name):
        self.name = name
        self.failures = []
        self.checks = 0

    def check(self, ok, what):
        self.checks += 1
        if not ok:
            self.failures.append(what)

    def close(self, a, b, what):
        ok = (a is None and b is None) or (
            a is not None and b is not None and abs(float(a) - float(b)) <= TOL
        )
        self.check(ok, "%s: %r != %r" % (what, a, b))
        return ok


def load_formats(server, tmp):
    """Every export format, loaded with NetworkX's readers (CSV with the csv module)."""
    graphs = {}
    for fmt in FORMATS:
        body, headers = server.get("/export/" + fmt)
        path = os.path.join(tmp, "export." + fmt)
        with open(path, "wb") as f:
            f.write(body)
        if fmt == "graphml":
            graphs[fmt] = nx.read_graphml(path)
        elif fmt == "gexf":
            graphs[fmt] = nx.read_gexf(path)
        elif fmt == "node-link":
            graphs[fmt] = nx.node_link_graph(json.loads(body), edges="links")
        elif fmt == "cytoscape":
            graphs[fmt] = nx.cytoscape_graph(json.loads(body))
        else:
            graphs[fmt] = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    return graphs


def node_attrs(g, fmt):
    """{id: {metric: value}} for a loaded graph; GEXF keeps ids, labels go to `label`."""
    out = {}
    for n, d in g.nodes(data=True):
        out[str(n)] = {m: d.get(m) for m in METRICS + ["kind"]}
    return out


def csv_attrs(rows):
    out = {}
    for r in rows:
        a = {}
        for m in METRICS:
            v = r.get(m, "")
            a[m] = None if v == "" else (int(v) if m in ("degree", "community") else float(v))
        a["kind"] = r["kind"]
        out[r["id"]] = a
    return out


def check_exports(rep, graphs, nodes, edges):
    ref = node_attrs(graphs["node-link"], "node-link")
    for fmt in ["graphml", "gexf", "node-link", "cytoscape"]:
        g = graphs[fmt]
        rep.check(g.number_of_nodes() == nodes, "%s: %d nodes, want %d" % (fmt, g.number_of_nodes(), nodes))
        rep.check(g.number_of_edges() == edges, "%s: %d edges, want %d" % (fmt, g.number_of_edges(), edges))
        rep.check(g.is_directed(), "%s: not directed" % fmt)
        types = {d.get("type") for _, _, d in g.edges(data=True)}
        rep.check(None not in types and "FUNDS" in types, "%s: edge types %s" % (fmt, sorted(map(str, types))[:5]))
        attrs = node_attrs(g, fmt)
        for n, a in ref.items():
            b = attrs.get(n)
            if b is None:
                rep.check(False, "%s: node %s missing" % (fmt, n))
                continue
            for m in METRICS:
                x, y = a[m], b[m]
                if m in ("degree", "community"):
                    rep.check(x == y and (y is None or isinstance(y, int)), "%s: %s %s = %r, node-link %r" % (fmt, n, m, y, x))
                else:
                    rep.close(y, x, "%s: %s %s" % (fmt, n, m))
            rep.check(a["kind"] == b["kind"], "%s: %s kind %r" % (fmt, n, b["kind"]))
    rows = graphs["nodes.csv"]
    rep.check(len(rows) == nodes, "nodes.csv: %d rows, want %d" % (len(rows), nodes))
    rep.check(len(graphs["edges.csv"]) == edges, "edges.csv: %d rows, want %d" % (len(graphs["edges.csv"]), edges))
    for n, a in csv_attrs(rows).items():
        for m in METRICS:
            if m in ("degree", "community"):
                rep.check(a[m] == ref[n][m], "nodes.csv: %s %s = %r" % (n, m, a[m]))
            else:
                rep.close(a[m], ref[n][m], "nodes.csv: %s %s" % (n, m))


def graphql_scores(server, measure, n):
    scores, after = {}, None
    while True:
        data = server.graphql(
            "query($m: CentralityMeasure!, $after: String) { centrality(measure: $m, first: 100, after: $after) {"
            " edges { score node { id } } pageInfo { hasNextPage endCursor } } }",
            {"m": measure, "after": after},
        )["centrality"]
        for e in data["edges"]:
            scores[e["node"]["id"]] = e["score"]
        if not data["pageInfo"]["hasNextPage"]:
            return scores
        after = data["pageInfo"]["endCursor"]


def check_measures(rep, server, g):
    directed = nx.DiGraph(g)
    directed.remove_edges_from(list(nx.selfloop_edges(directed)))
    undirected = nx.Graph(g)
    undirected.remove_edges_from(list(nx.selfloop_edges(undirected)))
    attrs = node_attrs(g, "node-link")
    expected = {
        "pagerank": nx.pagerank(directed),
        "betweenness": nx.betweenness_centrality(undirected),
        "closeness": nx.closeness_centrality(undirected),
        "degree_centrality": nx.degree_centrality(undirected),
    }
    try:
        expected["eigenvector"] = nx.eigenvector_centrality(undirected)
    except nx.PowerIterationFailedConvergence:
        expected["eigenvector"] = {n: None for n in undirected}
    for n in undirected:
        rep.check(attrs[n]["degree"] == undirected.degree(n), "degree of %s: %r, NetworkX %d" % (n, attrs[n]["degree"], undirected.degree(n)))
    worst = {}
    for m in ["pagerank", "betweenness", "closeness", "eigenvector"]:
        worst[m] = 0.0
        for n, v in expected[m].items():
            if rep.close(attrs[n][m], v, "export %s of %s vs NetworkX" % (m, n)) and v is not None:
                worst[m] = max(worst[m], abs(attrs[n][m] - v))
    for measure, key in [("PAGERANK", "pagerank"), ("BETWEENNESS", "betweenness"), ("CLOSENESS", "closeness"),
                         ("EIGENVECTOR", "eigenvector"), ("DEGREE", "degree_centrality")]:
        if key == "eigenvector" and None in expected[key].values():
            continue
        served = graphql_scores(server, measure, g.number_of_nodes())
        rep.check(len(served) == g.number_of_nodes(), "GraphQL %s ranks %d nodes" % (measure, len(served)))
        for n, v in expected[key].items():
            rep.close(served.get(n), v, "GraphQL %s of %s vs NetworkX" % (measure, n))
        ranked = sorted(served.values(), reverse=True)
        rep.check(ranked == [served[k] for k in served], "GraphQL %s is not ranked highest first" % measure)
    return worst, undirected, directed


def check_communities(rep, server, g, undirected):
    ours = {}
    for n, d in g.nodes(data=True):
        ours.setdefault(d["community"], set()).add(n)
    our_q = nx.community.modularity(undirected, list(ours.values()))
    nx_q = nx.community.modularity(undirected, nx.community.louvain_communities(undirected, seed=0))
    rep.check(our_q >= nx_q - 0.01, "Louvain modularity %.6f < NetworkX %.6f - 0.01" % (our_q, nx_q))
    data = server.graphql("{ communities { modularity count } }")["communities"]
    rep.close(data["modularity"], our_q, "reported Louvain modularity vs NetworkX's for our partition")
    rep.check(data["count"] == len(ours), "communities count %d, export has %d" % (data["count"], len(ours)))
    lpa = server.graphql(
        "{ communities(algorithm: LABEL_PROPAGATION, first: 1000) { modularity count"
        " communities { members(first: 1000) { id } } } }"
    )["communities"]
    parts = [{m["id"] for m in c["members"]} for c in lpa["communities"]]
    if lpa["count"] <= 1000 and all(len(p) < 1000 for p in parts):
        covered = set().union(*parts) if parts else set()
        rep.check(covered == set(undirected.nodes), "label propagation does not partition the nodes")
        rep.close(lpa["modularity"], nx.community.modularity(undirected, parts), "label propagation modularity")
    comps = server.graphql("{ components { count largest } }")["components"]
    rep.check(comps["count"] == nx.number_connected_components(undirected), "components: %d" % comps["count"])
    rep.check(comps["largest"] == max(len(c) for c in nx.connected_components(undirected)), "largest component")
    return our_q, nx_q


def check_paths(rep, server, undirected, directed, pairs=120, max_length=8):
    rng = random.Random(7)
    nodes = sorted(undirected.nodes)
    sample = [(rng.choice(nodes), rng.choice(nodes)) for _ in range(pairs)]
    for view, graph in [("UNDIRECTED", undirected), ("DIRECTED", directed)]:
        # 20 aliased root fields per request: the server's defaults allow 20 root fields and
        # 30 aliases per operation.
        for start in range(0, len(sample), 20):
            chunk = sample[start:start + 20]
            fields = " ".join(
                'p%d: shortestPath(from: "%s", to: "%s", direction: %s, maxLength: %d) { length nodes { id } }'
                % (i, a, b, view, max_length) for i, (a, b) in enumerate(chunk)
            )
            data = server.graphql("{ %s }" % fields)
            for i, (a, b) in enumerate(chunk):
                try:
                    want = nx.shortest_path_length(graph, a, b)
                except nx.NetworkXNoPath:
                    want = None
                if want is not None and want > max_length:
                    want = None
                got = data["p%d" % i]
                rep.check((got and got["length"]) == want if want is not None else got is None,
                          "%s shortest path %s -> %s: %r, NetworkX %r" % (view, a, b, got and got["length"], want))
                if got:
                    ids = [n["id"] for n in got["nodes"]]
                    rep.check(ids[0] == a and ids[-1] == b and nx.is_path(graph, ids), "%s path %s is not a path" % (view, ids))


def run(binary, seed_dir, name):
    rep = Report(name)
    server = Server(binary, seed_dir)
    try:
        stats = server.graphql("{ stats { nodeCount edgeCount } }")["stats"]
        with tempfile.TemporaryDirectory() as tmp:
            t = time.time()
            graphs = load_formats(server, tmp)
            check_exports(rep, graphs, stats["nodeCount"], stats["edgeCount"])
            g = graphs["node-link"]
            worst, undirected, directed = check_measures(rep, server, g)
            our_q, nx_q = check_communities(rep, server, g, undirected)
            check_paths(rep, server, undirected, directed)
        print("%s: %d nodes, %d relations; %d checks, %d failures (%.1f s)" % (
            name, stats["nodeCount"], stats["edgeCount"], rep.checks, len(rep.failures), time.time() - t))
        print("  max |ours - NetworkX|: " + ", ".join("%s %.1e" % kv for kv in worst.items()))
        print("  Louvain modularity: ours %.6f, NetworkX %.6f" % (our_q, nx_q))
    finally:
        server.close()
    for f in rep.failures[:30]:
        print("  FAIL " + f)
    return not rep.failures


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default="target/release/aidgraph")
    ap.add_argument("--nodes", type=int, default=2000)
    ap.add_argument("--seeds", type=int, nargs="*", default=[1, 2])
    a = ap.parse_args()
    print("NetworkX %s" % nx.__version__)
    ok = run(a.binary, None, "built-in seed")
    for seed in a.seeds:
        with tempfile.TemporaryDirectory() as d:
            synth.generate(a.nodes, seed, d)
            ok &= run(a.binary, d, "random donor network (seed %d)" % seed)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
