#!/usr/bin/env python3
"""Prepares the scenarios of benches/load.sh against a running aidgraph (standard library only).

    prepare.py URL OUT [MAX_VARIANTS]      writes OUT/raw/..., OUT/<scenario>.{graphql,raw}.req,
                                           OUT/scenarios.json
    prepare.py --verify GRAPHQL_URL RAW_URL OUT
                                           re-fetches one request of each scenario from both
                                           servers and checks the bodies are the same bytes

Each scenario's requests are sent to aidgraph once here, exactly as wrk will send them
(method, path, body, `Content-Type: application/json` on POST, no `Accept`), and the answer
bytes are stored under OUT/raw/, where the raw baseline serves them: request i of a scenario
on aidgraph and request i on the baseline carry the same body (a GET the same query string,
on the path of its stored answer) and get the same bytes.

A request file has one request a line: METHOD <tab> PATH [<tab> BODY].
"""

import hashlib
import http.client
import json
import os
import sys
import urllib.parse

# (a): ministry -> funded projects -> countries and outcomes, playground 01's shape with
# variables (nested.graphql, which tests/it/plan.rs also runs). (b) and (c) send it again
# with fixed variables over GET and APQ GET.
NESTED = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "nested.graphql")).read()

# (d) and (e): a page of 1,000 projects, about 60 bytes each.
LIST = """query ProjectList($first: Int!, $after: String) {
  projects(first: $first, after: $after) {
    nodes { id status }
  }
}"""

LIST_SIZE = 1000


class Server:
    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def send(self, method, path, body=None):
        headers = {"Content-Type": "application/json"} if method == "POST" else {}
        data = body.encode() if body is not None else None
        try:
            self.conn.request(method, path, body=data, headers=headers)
            res = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            self.conn.request(method, path, body=data, headers=headers)
            res = self.conn.getresponse()
        return res.status, res.read()

    def query(self, query, variables=None):
        status, raw = self.send("POST", "/graphql", json.dumps({"query": query, "variables": variables}))
        doc = json.loads(raw)
        if status != 200 or doc.get("errors"):
            sys.exit(f"prepare: query failed ({status}): {raw[:500]!r}")
        return doc["data"]


def post_body(query, variables, operation):
    return json.dumps(
        {"query": query, "variables": variables, "operationName": operation},
        separators=(",", ":"),
    )


def get_path(params):
    return "/graphql?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote, safe="")


def funding_variants(server, max_variants):
    """Distinct (id, first, after) for the nested query: every organisation that funds
    projects, pages of 2 to 4 starting at each of its first cursors."""
    funders, after = [], None
    while len(funders) < 200:
        data = server.query(
            "query($after: String) { organizations(first: 100, after: $after) { "
            "pageInfo { hasNextPage endCursor } nodes { id fundedProjects(first: 0) { totalCount } } } }",
            {"after": after},
        )
        page = data["organizations"]
        funders += [n["id"] for n in page["nodes"] if n["fundedProjects"]["totalCount"] > 0]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    if not funders:
        sys.exit("prepare: no organisation in the data funds a project")
    per_funder = []
    for org in funders:
        data = server.query(
            "query($id: ID!) { node(id: $id) { ... on Organization { "
            "fundedProjects(first: 30) { edges { cursor } } } } }",
            {"id": org},
        )
        cursors = [e["cursor"] for e in data["node"]["fundedProjects"]["edges"]]
        variants = []
        for after in [None] + cursors[:-1]:
            for first in (2, 3, 4):
                variants.append({"id": org, "first": first, "after": after})
        per_funder.append(variants)
    # Round-robin over funders, so that a short run still sees all of them.
    out = []
    while len(out) < max_variants and any(per_funder):
        for variants in per_funder:
            if variants and len(out) < max_variants:
                out.append(variants.pop(0))
    return out


def main():
    if sys.argv[1] == "--verify":
        return verify(*sys.argv[2:5])
    url, out = sys.argv[1], sys.argv[2]
    max_variants = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    server = Server(url)
    os.makedirs(os.path.join(out, "raw"), exist_ok=True)
    scenarios = []

    def capture(name, title, requests, expect_items=None):
        """Sends each (method, path, body) once, stores the answers for the baseline and
        writes both request files."""
        sizes = []
        os.makedirs(os.path.join(out, "raw", name), exist_ok=True)
        with open(os.path.join(out, f"{name}.graphql.req"), "w") as g, open(
            os.path.join(out, f"{name}.raw.req"), "w"
        ) as r:
            for i, (method, path, body) in enumerate(requests):
                status, answer = server.send(method, path, body)
                doc = json.loads(answer)
                if status != 200 or doc.get("errors"):
                    sys.exit(f"prepare: {name} request {i} failed ({status}): {answer[:300]!r}")
                if expect_items is not None:
                    n = len(doc["data"]["projects"]["nodes"])
                    if n != expect_items:
                        sys.exit(f"prepare: {name} request {i} has {n} items, not {expect_items}")
                with open(os.path.join(out, "raw", name, str(i)), "wb") as f:
                    f.write(answer)
                sizes.append(len(answer))
                tail = f"\t{body}" if body is not None else ""
                g.write(f"{method}\t{path}{tail}\n")
                # The baseline gets the same request: the same body, and for a GET the same
                # query string (its path names the stored answer; hyper parses the URL alike).
                query = path[path.index("?"):] if "?" in path else ""
                r.write(f"{method}\t/{name}/{i}{query}{tail}\n")
        scenarios.append(
            {
                "name": name,
                "title": title,
                "requests": len(sizes),
                "bytes_mean": round(sum(sizes) / len(sizes)),
                "bytes_min": min(sizes),
                "bytes_max": max(sizes),
            }
        )

    # (a) POST, distinct variables.
    variants = funding_variants(server, max_variants)
    capture(
        "a",
        "(a) nested, POST, distinct variables",
        [("POST", "/graphql", post_body(NESTED, v, "FundedProjects")) for v in variants],
    )
    # (b) and (c): one of (a)'s variable sets, the one whose answer is closest to 2 KB.
    sizes = [os.path.getsize(os.path.join(out, "raw", "a", str(i))) for i in range(len(variants))]
    fixed = variants[min(range(len(sizes)), key=lambda i: abs(sizes[i] - 2048))]
    fixed_vars = json.dumps(fixed, separators=(",", ":"))
    capture(
        "b",
        "(b) nested, GET, repeated",
        [("GET", get_path({"query": NESTED, "variables": fixed_vars, "operationName": "FundedProjects"}), None)],
    )
    digest = hashlib.sha256(NESTED.encode()).hexdigest()
    ext = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}}, separators=(",", ":"))
    # Register the document under its hash (APQ's second step), then use the hash only.
    status, answer = server.send(
        "POST",
        "/graphql",
        json.dumps({"query": NESTED, "variables": fixed, "extensions": json.loads(ext)}),
    )
    if status != 200:
        sys.exit(f"prepare: APQ registration failed ({status}): {answer[:300]!r}")
    capture(
        "c",
        "(c) nested, APQ GET (hash only), repeated",
        [("GET", get_path({"extensions": ext, "variables": fixed_vars, "operationName": "FundedProjects"}), None)],
    )
    # (d) and (e): pages of 1,000 projects.
    total = server.query("{ projects(first: 0) { totalCount } }")["projects"]["totalCount"]
    if total >= LIST_SIZE:
        starts = [None]
        if total > LIST_SIZE:
            extra = min(total - LIST_SIZE, 63)
            data = server.query(
                "query($n: Int!) { projects(first: $n) { edges { cursor } } }", {"n": extra}
            )
            starts += [e["cursor"] for e in data["projects"]["edges"]]
        capture(
            "d",
            f"(d) list of {LIST_SIZE} projects, POST, distinct variables",
            [
                ("POST", "/graphql", post_body(LIST, {"first": LIST_SIZE, "after": a}, "ProjectList"))
                for a in starts
            ],
            expect_items=LIST_SIZE,
        )
        capture(
            "e",
            f"(e) list of {LIST_SIZE} projects, GET, repeated",
            [
                (
                    "GET",
                    get_path(
                        {
                            "query": LIST,
                            "variables": json.dumps({"first": LIST_SIZE}),
                            "operationName": "ProjectList",
                        }
                    ),
                    None,
                )
            ],
            expect_items=LIST_SIZE,
        )
    else:
        scenarios.append(
            {
                "name": "d",
                "title": f"(d) list of {LIST_SIZE} projects",
                "skipped": f"skipped: needs DATA with >={LIST_SIZE} projects (this data has {total})",
            }
        )
    with open(os.path.join(out, "scenarios.json"), "w") as f:
        json.dump(scenarios, f, indent=1)


def verify(graphql_url, raw_url, out):
    """The first request of each scenario, sent to both servers: the same body bytes."""
    with open(os.path.join(out, "scenarios.json")) as f:
        scenarios = [s for s in json.load(f) if "skipped" not in s]
    g, r = Server(graphql_url), Server(raw_url)
    for s in scenarios:
        lines = {}
        for side in ("graphql", "raw"):
            with open(os.path.join(out, f"{s['name']}.{side}.req")) as f:
                lines[side] = f.readline().rstrip("\n").split("\t", 2)
        a = g.send(*lines["graphql"] + [None] * (3 - len(lines["graphql"])))
        b = r.send(*lines["raw"] + [None] * (3 - len(lines["raw"])))
        if a != b:
            sys.exit(
                f"verify: scenario {s['name']}: aidgraph answered {a[0]} with {len(a[1])} bytes, "
                f"the baseline {b[0]} with {len(b[1])} bytes"
            )
    print(f"verified: {len(scenarios)} scenarios, the same status and body bytes on both servers")


if __name__ == "__main__":
    main()
