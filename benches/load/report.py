#!/usr/bin/env python3
"""Prints benches/load.sh's report: the machine (JSON on stdin), then one table row per
scenario from WORK/results.txt and WORK/scenarios.json. Exits 1 if any wrk run saw errors."""

import json
import os
import sys


def parse(line):
    return dict(kv.split("=", 1) for kv in line.split()[1:])


def ms(us):
    return f"{int(us) / 1000:.2f}"


def main():
    work = sys.argv[1]
    machine = json.load(sys.stdin)
    with open(os.path.join(work, "scenarios.json")) as f:
        scenarios = json.load(f)
    results = {}
    with open(os.path.join(work, "results.txt")) as f:
        for line in f:
            if line.startswith("RESULT"):
                r = parse(line)
                results[(r["scenario"], r["side"])] = r

    m = machine
    ready = m["readyz"]
    print(f"machine: {m['cpu']}, {m['cores']} cores (nproc), {m['memory']}, {m['kernel']}")
    print(
        f"other processes used {m['other']}% of the CPU time in the 3 s before the first run; "
        f"load average (1/5/15 min) {m['load_before']} before, {m['load_after']} after"
        + ("  ** BUSY: other work was running; figures are not comparable **" if m["busy"] else "")
    )
    print(f"date: {m['date']}; commit {m['commit']}; {m['rustc']}; {m['wrk']}")
    print(
        f"data: {m['data']} ({ready['nodes']} nodes, {ready['relations']} relations, "
        f"version {ready['version']})"
    )
    print(f"server: {m['server']}")
    print(
        f"wrk: -t{m['threads']} -c{m['connections']} -d{m['duration']} after a {m['warmup']} "
        f"warm-up, raw baseline then aidgraph for each scenario; wrk and both servers share the "
        f"{m['cores']} cores"
    )
    print(
        "server CPU per request: the server process's user + system time during the measured "
        "run (/proc/PID/stat) over the requests answered"
    )
    print()
    print(
        "| scenario | distinct requests | response bytes | raw req/s | aidgraph req/s | "
        "aidgraph / raw | raw p50 / p99 (ms) | aidgraph p50 / p99 (ms) | "
        "server CPU per request, raw / aidgraph (µs) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    failed = []
    for s in scenarios:
        if "skipped" in s:
            print(f"| {s['title']} | | | | | {s['skipped']} | | | |")
            continue
        raw, gql = results.get((s["name"], "raw")), results.get((s["name"], "graphql"))
        if raw is None or gql is None:
            print(f"| {s['title']} | | | | | not measured | | | |")
            failed.append(s["name"])
            continue
        rate, cpu = {}, {}
        for side, r in (("raw", raw), ("graphql", gql)):
            rate[side] = int(r["requests"]) / (int(r["duration_us"]) / 1e6)
            cpu[side] = int(r["cpu_us"]) / max(int(r["requests"]), 1)
            errors = sum(int(v) for k, v in r.items() if k.startswith("errors_"))
            if errors:
                failed.append(f"{s['name']} {side}: {errors} errors ({r})")
        size = (
            f"{s['bytes_mean']:,}"
            if s["bytes_min"] == s["bytes_max"]
            else f"{s['bytes_mean']:,} (mean; {s['bytes_min']:,}-{s['bytes_max']:,})"
        )
        print(
            f"| {s['title']} | {s['requests']} | {size} | {rate['raw']:,.0f} | "
            f"{rate['graphql']:,.0f} | {100 * rate['graphql'] / rate['raw']:.0f}% | "
            f"{ms(raw['p50_us'])} / {ms(raw['p99_us'])} | {ms(gql['p50_us'])} / {ms(gql['p99_us'])} | "
            f"{cpu['raw']:.1f} / {cpu['graphql']:.1f} |"
        )
    for name in ("a", "d"):
        path = os.path.join(work, f"breakdown-{name}.txt")
        if os.path.exists(path) and os.path.getsize(path):
            print()
            print(f"Scenario ({name}), one request step by step (examples/breakdown.rs, in-process, one thread):")
            with open(path) as f:
                print(f.read().rstrip())
    metrics_file = os.path.join(work, "cache-metrics.txt")
    if os.path.exists(metrics_file) and os.path.getsize(metrics_file):
        print()
        print("aidgraph's cache counters after the run (/metrics):")
        with open(metrics_file) as f:
            for line in f:
                print("  " + line.rstrip())
    if failed:
        print()
        print("ERRORS (non-2xx answers, socket errors or timeouts): " + "; ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
