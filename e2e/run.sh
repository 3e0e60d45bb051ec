#!/usr/bin/env bash
# End-to-end tests: the real wrangler 4.86.0 CLI, cloudflare 7.3.0 SDK, workerd and the dev-loop tools
# (wrangler dev, getPlatformProxy, Vite plugin, vitest-pool-workers, Miniflare) against a real flarekv.
# Works from a clean clone: the server jar is built by ../flarekv (Maven) on first use.
set -uo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" || exit 2

# (re)install only when node_modules is missing or older than package.json / package-lock.json
stamp=node_modules/.package-lock.json
if [[ ! -f "$stamp" || package.json -nt "$stamp" || package-lock.json -nt "$stamp" ]]; then
  npm ci --no-audit --no-fund || exit 2
fi

if [[ ! -f ../app/target/flarekv.jar ]]; then
  echo "e2e: no server jar yet; the first test file builds it through ../flarekv (Maven, 1-3 min)" >&2
fi

start=$(date +%s)
npm test
status=$?
echo "e2e: finished in $(( $(date +%s) - start )) s with status $status; wrangler transcript: $PWD/out/wrangler-transcript.txt" >&2
exit $status
