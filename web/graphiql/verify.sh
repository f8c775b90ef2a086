#!/usr/bin/env bash
# CI check: the files in web/graphiql/vendor/ are exactly the files of the npm
# packages pinned by package.json + package-lock.json (list in vendor.list).
# Installs the pinned packages with `npm ci --ignore-scripts` into a temporary
# directory (npm checks every tarball against the lockfile's integrity hash)
# and compares each vendored file byte for byte. Runs from any directory.
# Exit 0: all match. Exit 1: something differs; the message says what and how
# to regenerate (bash web/graphiql/vendor.sh).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fix="regenerate with: bash web/graphiql/vendor.sh   (then commit web/graphiql/vendor/ and package*.json)"
fail() { echo "verify.sh: FAIL: $*" >&2; echo "verify.sh: $fix" >&2; exit 1; }

command -v npm >/dev/null || { echo "verify.sh: FAIL: npm not found (install Node.js 20 + npm)" >&2; exit 1; }
for f in package.json package-lock.json .npmrc vendor.list index.html; do
  [[ -f "$here/$f" ]] || fail "web/graphiql/$f is missing"
done
[[ -d "$here/vendor" ]] || fail "web/graphiql/vendor/ is missing"

# Every dependency must be pinned to an exact version.
node -e '
  const deps = require(process.argv[1]).dependencies || {};
  const bad = Object.entries(deps).filter(([, v]) => !/^\d+\.\d+\.\d+$/.test(v));
  if (bad.length) { console.error("not pinned exactly: " + bad.map(([k, v]) => k + "@" + v).join(", ")); process.exit(1); }
' "$here/package.json" || fail "package.json must pin exact versions (no ^, ~, ranges or tags)"

work="$(mktemp -d "${TMPDIR:-/tmp}/aidgraph-graphiql-verify.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$here/.npmrc" "$work/"
echo "verify.sh: npm ci --ignore-scripts (in $work)"
if ! (cd "$work" && npm ci --ignore-scripts --no-audit --no-fund) >"$work/npm.log" 2>&1; then
  cat "$work/npm.log" >&2
  fail "npm ci failed: package-lock.json is out of sync with package.json (after editing package.json run: bash web/graphiql/vendor.sh --relock), or a tarball did not match its integrity hash"
fi
for p in graphiql react react-dom; do
  want="$(node -p 'require(process.argv[1]).dependencies[process.argv[2]]' "$here/package.json" "$p")"
  got="$(node -p 'require(process.argv[1]).version' "$work/node_modules/$p/package.json")"
  [[ "$want" == "$got" ]] || fail "$p: package.json pins $want but npm ci installed $got"
done

status=0
listed=" "
while read -r dest src; do
  [[ -z "$dest" || "$dest" == \#* ]] && continue
  listed+="$dest "
  if [[ ! -f "$here/vendor/$dest" ]]; then
    echo "verify.sh: MISSING web/graphiql/vendor/$dest (should be node_modules/$src)" >&2; status=1
  elif [[ ! -f "$work/node_modules/$src" ]]; then
    echo "verify.sh: node_modules/$src does not exist in the pinned packages (fix vendor.list)" >&2; status=1
  elif ! cmp -s "$here/vendor/$dest" "$work/node_modules/$src"; then
    echo "verify.sh: DIFFERS web/graphiql/vendor/$dest != node_modules/$src" \
         "($(wc -c <"$here/vendor/$dest" | tr -d ' ') vs $(wc -c <"$work/node_modules/$src" | tr -d ' ') bytes)" >&2; status=1
  else
    printf 'verify.sh: ok  vendor/%-28s == node_modules/%s\n' "$dest" "$src"
  fi
done <"$here/vendor.list"
for f in "$here/vendor"/* "$here/vendor"/.[!.]*; do
  [[ -e "$f" ]] || continue
  name="$(basename "$f")"
  [[ "$listed" == *" $name "* ]] || { echo "verify.sh: UNEXPECTED web/graphiql/vendor/$name (not in vendor.list)" >&2; status=1; }
done

# index.html: one placeholder for the server, and only same-origin vendored assets.
placeholder='__AIDGRAPH''_EXAMPLES__'   # split so that only index.html contains it
n="$(grep -o "$placeholder" "$here/index.html" | wc -l | tr -d ' ')"
[[ "$n" == 1 ]] || { echo "verify.sh: index.html must contain the examples placeholder exactly once (found $n)" >&2; status=1; }
if grep -Eq '(src|href)="(https?:)?//' "$here/index.html"; then
  echo "verify.sh: index.html references an external URL:" >&2
  grep -En '(src|href)="(https?:)?//' "$here/index.html" >&2; status=1
fi
while read -r asset; do
  [[ -f "$here/vendor/$asset" ]] || { echo "verify.sh: index.html loads /graphiql/$asset but vendor/$asset does not exist" >&2; status=1; }
done < <(grep -Eo '(src|href)="/graphiql/[^"]+"' "$here/index.html" | sed -E 's#^[a-z]+="/graphiql/##; s#"$##')

(( status == 0 )) || fail "web/graphiql/ check failed (see the lines above)"
echo "verify.sh: all vendored GraphiQL files match the pinned npm packages"
