#!/usr/bin/env bash
# Validates IATI 2.03 activity files against the official XSDs:
#   bash tests/iati/validate.sh FILE...
# The XSDs are looked up in $IATI_XSD_DIR, else in tests/iati/xsd (byte-identical copies of the
# official 2.03 schemas in ../shared/iati/xsd; tests/it/iati_export.rs checks they still are
# when that folder exists), so a clone validates on any machine. xmllint (Debian: libxml2-utils) reads
# the files as a stream, so memory stays small whatever their size. Exits 0 only when every
# file is valid; 2 when xmllint or the XSDs are missing.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
xsd_dir="${IATI_XSD_DIR:-$repo/tests/iati/xsd}"
xsd_dir="$(cd "$xsd_dir" 2>/dev/null && pwd || echo "$xsd_dir")"
schema="$xsd_dir/iati-activities-schema.xsd"

if [ "$#" -eq 0 ]; then
  echo "usage: bash tests/iati/validate.sh FILE..." >&2
  exit 2
fi
if ! command -v xmllint >/dev/null; then
  echo "validate.sh: xmllint is missing: install it with 'apt-get install libxml2-utils'" >&2
  exit 2
fi
for f in iati-activities-schema.xsd iati-common.xsd xml.xsd; do
  if [ ! -f "$xsd_dir/$f" ]; then
    echo "validate.sh: $xsd_dir/$f not found: set IATI_XSD_DIR to the folder holding the IATI 2.03 XSDs" >&2
    echo "  (iati-activities-schema.xsd, iati-common.xsd, xml.xsd from IATI/IATI-Schemas, branch version-2.03)" >&2
    exit 2
  fi
done

status=0
for file in "$@"; do
  start=$EPOCHREALTIME
  # xmllint says "FILE validates" or lists each error with its line.
  if xmllint --noout --stream --schema "$schema" "$file"; then
    awk -v f="$file" -v a="$start" -v b="$EPOCHREALTIME" -v n="$(wc -c <"$file")" \
      'BEGIN { printf "%s: valid IATI 2.03 (%d bytes, %.2f s)\n", f, n, b - a }'
  else
    echo "$file: NOT valid against $schema" >&2
    status=1
  fi
done
exit "$status"
