#!/usr/bin/env bash
# Runs every fuzz target of the module for FUZZTIME (default 10s) each.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-10s}
count=0
# The root module, then cmd/tim (its own module).
for mod in . cmd/tim; do
  for pkg in $(cd "$mod" && go list ./...); do
    targets=$(cd "$mod" && go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true)
    for t in $targets; do
      echo "== $pkg $t ($fuzztime)"
      (cd "$mod" && go test -run '^$' -fuzz "^${t}\$" -fuzztime "$fuzztime" "$pkg")
      count=$((count+1))
    done
  done
done
echo "ran $count fuzz targets"
