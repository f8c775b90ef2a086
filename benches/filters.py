"""Median latency of root-list filters over HTTP on a running server.

    python3 benches/filters.py PORT

Each filter asks for the first 10 matches; the median is of 30 requests after 5 warm-ups (the
first use of a field grouping builds it). The ids come from the graph itself: its first
outcome, that outcome's subject and metric, and its first ministry. BENCHMARKS.md has the
figures at 1M nodes.
"""

import http.client
import json
import statistics
import sys
import time


def main():
    conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))

    def query(text):
        body = json.dumps({"query": text})
        conn.request("POST", "/graphql", body, {"Content-Type": "application/json"})
        doc = json.loads(conn.getresponse().read())
        if "errors" in doc:
            sys.exit(f"filters: {doc['errors']}"[:300])
        return doc["data"]

    outcome = query("{ outcomes(first: 1) { nodes { metric subject { id } } } }")
    outcome = outcome["outcomes"]["nodes"][0]
    ministry = query('{ organizations(first: 1, where: { kind: [MINISTRY] }) { nodes { id } } }')
    ministry = ministry["organizations"]["nodes"][0]["id"]
    subject = outcome["subject"]["id"]
    filters = {
        "organizations country KH": ("organizations", 'country: "KH"'),
        "organizations funds <project>": ("organizations", f'funds: "{subject}"'),
        "programmes funder <ministry>": ("programmes", f'funder: "{ministry}"'),
        "outcomes subject <project>": ("outcomes", f'subject: "{subject}"'),
        "outcomes metric": ("outcomes", f'metric: "{outcome["metric"]}"'),
        "outcomes country KH": ("outcomes", 'country: "KH"'),
    }
    for name, (root, where) in filters.items():
        text = f"{{ {root}(first: 10, where: {{ {where} }}) {{ totalCount nodes {{ id }} }} }}"
        times = []
        for i in range(35):
            start = time.perf_counter()
            data = query(text)
            if i >= 5:
                times.append((time.perf_counter() - start) * 1e3)
        total = data[root]["totalCount"]
        print(f"{name}: {statistics.median(times):.3f} ms (total {total})")


if __name__ == "__main__":
    main()
