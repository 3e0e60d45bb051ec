#!/usr/bin/env bash
# The flarekv-miniflare package's own tests, against a real flarekv (the server jar is built by
# ../../flarekv through Maven on first use). Called by .ci/run; works from a clean clone.
set -uo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" || exit 2

# (re)install only when node_modules is missing or older than package.json / package-lock.json
stamp=node_modules/.package-lock.json
if [[ ! -f "$stamp" || package.json -nt "$stamp" || package-lock.json -nt "$stamp" ]]; then
  npm ci --no-audit --no-fund || exit 2
fi

if [[ ! -f ../../app/target/flarekv.jar ]]; then
  echo "flarekv-miniflare: no server jar yet; the first test file builds it through ../../flarekv (Maven, 1-3 min)" >&2
fi

start=$(date +%s)
out=$(mktemp)
npm test 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
tests=$(sed -n 's/^# tests \([0-9]*\)$/\1/p' "$out" | tail -1)
pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out" | tail -1)
rm -f "$out"
echo "flarekv-miniflare: ${tests:-0} tests, ${pass:-0} passed, status $status, $(( $(date +%s) - start )) s"
exit $status
