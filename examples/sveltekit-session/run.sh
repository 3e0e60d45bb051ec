#!/usr/bin/env bash
# examples/sveltekit-session in CI: its vitest-pool-workers tests and its `vite dev` round trip, both
# against a real flarekv started on ephemeral ports (the jar is built by ../../flarekv on first use).
# Prints "sveltekit-session: N tests ..." and exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" || exit 2

# (re)install only when node_modules is missing or older than package.json / package-lock.json
stamp=node_modules/.package-lock.json
if [[ ! -f "$stamp" || package.json -nt "$stamp" || package-lock.json -nt "$stamp" ]]; then
  npm ci --no-audit --no-fund || exit 2
fi

mkdir -p out
start=$(date +%s)

# Each phase stops its own flarekv / vite / workerd by PID; `timeout` is only a last-resort bound.
timeout -k 30 900 node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=out/vitest.json \
  2>&1 | tee out/vitest.log
vitest_status=${PIPESTATUS[0]}

timeout -k 30 900 node --test --test-concurrency=1 --test-reporter=spec test/node/ 2>&1 | tee out/dev-server.log
dev_status=${PIPESTATUS[0]}

vitest_counts=$(node -e '
  try {
    const r = JSON.parse(require("fs").readFileSync("out/vitest.json", "utf8"));
    console.log(`${r.numPassedTests} ${r.numTotalTests}`);
  } catch { console.log("0 0"); }')
read -r vitest_passed vitest_total <<<"$vitest_counts"
dev_passed=$(grep -Eo '^ℹ pass [0-9]+' out/dev-server.log | grep -Eo '[0-9]+$' || echo 0)
dev_total=$(grep -Eo '^ℹ tests [0-9]+' out/dev-server.log | grep -Eo '[0-9]+$' || echo 0)

status=0
[[ $vitest_status -eq 0 && $dev_status -eq 0 && $vitest_total -gt 0 && $dev_total -gt 0 ]] || status=1
echo "sveltekit-session: $((vitest_passed + dev_passed))/$((vitest_total + dev_total)) tests passed" \
  "(vitest-pool-workers $vitest_passed/$vitest_total, vite dev $dev_passed/$dev_total)" \
  "in $(( $(date +%s) - start )) s, status $status"
exit $status
