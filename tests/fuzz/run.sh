#!/usr/bin/env bash
# Fuzzes a running aidgraph's /graphql with Schemathesis for a bounded time, and fails on a
# server error: a 5xx, a body that is not JSON, an INTERNAL error, or an error raised while
# running a field without its `extensions.code` (hooks.py). Prints how many requests it sent.
#
#   tests/fuzz/run.sh http://127.0.0.1:18089/graphql
#
# Needs Schemathesis (requirements.txt) on PATH; .ci/run installs it in .ci/fuzz-venv.
# FUZZ_SECONDS (default 90) is the time budget; FUZZ_SEED replays the seed a run printed.
set -euo pipefail
url=${1:?usage: tests/fuzz/run.sh URL-of-graphql}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
seconds=${FUZZ_SECONDS:-90}
command -v st >/dev/null || {
  echo "Schemathesis's st is not on PATH: pip install -r $here/requirements.txt" >&2
  exit 1
}

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
started=$SECONDS
status=0
# Schemathesis keeps to --max-time (fuzzing, then stateful sequences of queries); `timeout`
# is the backstop should the server stop answering. No example database: nothing is written
# to the work tree.
SCHEMATHESIS_HOOKS="$here/hooks.py" timeout "$((seconds + 60))" \
  st --config-file "$here/schemathesis.toml" run "$url" \
  --checks aidgraph_not_a_server_error,response_schema_conformance \
  --max-time "$seconds" --request-timeout 10 --generation-database none \
  ${FUZZ_SEED:+--seed "$FUZZ_SEED"} --no-color \
  --report ndjson --report-ndjson-path "$out/events.ndjson" || status=$?

# Count what was sent from Schemathesis's own record of every request and response, and
# check the two things CI must never see independently of its checks.
python3 - "$out/events.ndjson" "$((SECONDS - started))" <<'EOF' || status=1
import base64, collections, json, sys

events, elapsed = sys.argv[1], sys.argv[2]
requests, statuses, codes, bad = 0, collections.Counter(), collections.Counter(), []
with open(events) as f:
    for line in f:
        finished = json.loads(line).get("ScenarioFinished")
        for interaction in (finished or {}).get("recorder", {}).get("interactions", {}).values():
            requests += 1
            response = interaction.get("response")
            if response is None:
                bad.append("a request got no response")
                continue
            statuses[response["status_code"]] += 1
            content = response.get("content") or ""
            if isinstance(content, dict):
                content = base64.b64decode(content.get("$base64", "")).decode("utf-8", "replace")
            try:
                body = json.loads(content)
            except ValueError:
                bad.append(f"HTTP {response['status_code']}, not JSON: {content[:200]!r}")
                continue
            if response["status_code"] >= 500:
                bad.append(f"HTTP {response['status_code']}: {content[:200]}")
            errors = body.get("errors") if isinstance(body, dict) else None
            for error in errors if isinstance(errors, list) else []:
                extensions = error.get("extensions") if isinstance(error, dict) else None
                codes[(extensions or {}).get("code", "(no code)")] += 1

print(f"\nfuzz: {requests} requests to /graphql in {elapsed} s")
print("  by status:", ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
print("  errors by extensions.code:", ", ".join(f"{c}: {n}" for c, n in codes.most_common()))
for problem in bad[:20]:
    print("  SERVER ERROR:", problem)
if requests == 0:
    print("fuzz: Schemathesis sent no request", file=sys.stderr)
sys.exit(1 if bad or requests == 0 else 0)
EOF
exit "$status"
