#!/usr/bin/env bash
# (Re)creates web/graphiql/vendor/ from the npm packages pinned in
# package.json + package-lock.json, using the file list in vendor.list.
#
#   bash web/graphiql/vendor.sh           # npm ci into a temp dir, copy files
#   bash web/graphiql/vendor.sh --relock  # first refresh package-lock.json from
#                                         # package.json (after bumping a version)
#
# Runs from any working directory; never creates node_modules/ in the repo.
# Afterwards run verify.sh and commit package*.json and vendor/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
relock=0
case "${1-}" in
  "") ;;
  --relock) relock=1 ;;
  -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}"; exit 0 ;;
  *) echo "vendor.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
esac

command -v npm >/dev/null || { echo "vendor.sh: npm not found (install Node.js 20 + npm)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/aidgraph-graphiql-vendor.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/.npmrc" "$work/"
[[ -f "$here/package-lock.json" ]] && cp "$here/package-lock.json" "$work/"

if (( relock )); then
  echo "vendor.sh: npm install --package-lock-only --ignore-scripts"
  (cd "$work" && npm install --package-lock-only --ignore-scripts --no-audit --no-fund)
  cp "$work/package-lock.json" "$here/package-lock.json"
fi

echo "vendor.sh: npm ci --ignore-scripts (in $work)"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund)

rm -rf "$here/vendor"
mkdir "$here/vendor"
while read -r dest src; do
  [[ -z "$dest" || "$dest" == \#* ]] && continue
  if [[ ! -f "$work/node_modules/$src" ]]; then
    echo "vendor.sh: $src is not in the installed packages (check vendor.list)" >&2
    exit 1
  fi
  cp "$work/node_modules/$src" "$here/vendor/$dest"
  chmod 0644 "$here/vendor/$dest"
  printf '  %-36s <- node_modules/%s (%s bytes)\n' "vendor/$dest" "$src" "$(wc -c <"$here/vendor/$dest" | tr -d ' ')"
done <"$here/vendor.list"

echo "vendor.sh: done; now run: bash $here/verify.sh"
