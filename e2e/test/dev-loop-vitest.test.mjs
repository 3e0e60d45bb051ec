// @cloudflare/vitest-pool-workers 0.15.1 with vitest 4.1.11 (unmodified): `vitest run` in the
// fixture project, whose vitest.config.mjs uses `wrangler: { configPath, environment: "flarekv" }`.
// Its tests (fixtures/dev-loop/test/kv.test.js) run the shared KV scenario inside workerd on
// env.KV = flarekv. The REST side is seeded before the run and checked after it.
// The same run also shows two processes sharing one namespace: a `wrangler dev --env flarekv` of
// the same project runs throughout, and the two hand keys to each other while both are up.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  BIN,
  CASES,
  caseCounter,
  checkDeleteAndExpirationOverRest,
  checkScenarioKeysOverRest,
  checkWriteOverRest,
  fixtureCopy,
  httpCall,
  scenarioParams,
  scenarios,
  seedOverRest,
} from "../lib/dev-loop.mjs";
import { runTool, startDevServer, toolEnv } from "../lib/devtool.mjs";
import { rest } from "../lib/rest.mjs";
import { startServer } from "../lib/server.mjs";
import { freePort } from "../lib/workerd.mjs";
import { wranglerSandbox } from "../lib/wrangler.mjs";

const cases = caseCounter("vitest-pool-workers");
const shared = caseCounter("wrangler-dev+vitest-shared-namespace");
let server;
let api;
let ns;
let sandbox;
let dev;
let run; // the vitest run: {code, out, report}
let ack; // what the running wrangler dev saw of the vitest run's write
const params = scenarioParams("vitest", { other: "wrangler-dev", waitMs: 60_000 });
const devParams = scenarioParams("wrangler-dev", { other: "vitest", waitMs: 120_000 });

/** vitest's JSON report: test name -> status */
function statuses(report) {
  return Object.fromEntries(report.testResults.flatMap((f) => f.assertionResults.map((a) => [a.title, a.status])));
}

describe("vitest-pool-workers (wrangler environment flarekv) against flarekv", { timeout: 6 * 60_000 }, () => {
  before(
    async () => {
      server = await startServer();
      api = rest(server);
      ns = (await api.createNamespace("KV")).id;
      sandbox = await wranglerSandbox();
      const env = toolEnv(sandbox, { FLAREKV_API_TOKEN: server.token });
      await seedOverRest(api, ns, params);

      // a wrangler dev of the same project, up for the whole vitest run
      const devDir = fixtureCopy("vitest-wrangler-dev", server.bindingAddress);
      const [port, inspector] = [await freePort(), await freePort()];
      dev = await startDevServer({
        label: "wrangler dev --env flarekv (beside vitest)",
        command: BIN("wrangler"),
        args: ["dev", "--env", "flarekv", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector)],
        cwd: devDir,
        env,
        url: `http://127.0.0.1:${port}/`,
      });
      const devCall = httpCall(`http://127.0.0.1:${port}`);
      const first = await devCall("shared-first", devParams);
      assert.ok(first.ok, JSON.stringify(first));
      // wrangler dev waits (bounded) for the vitest run's key, then acknowledges it
      ack = httpCall(`http://127.0.0.1:${port}`, devParams.waitMs + 30_000)("shared-ack", devParams);
      ack.catch(() => {}); // awaited by the case below; a failed run must not leave it unhandled

      const dir = fixtureCopy("vitest", server.bindingAddress);
      const reportFile = join(dir, "vitest-report.json");
      const r = await runTool({
        label: "vitest run (vitest-pool-workers, environment flarekv)",
        command: BIN("vitest"),
        args: ["run", "--config", "vitest.config.mjs", "--reporter=verbose", "--reporter=json", `--outputFile.json=${reportFile}`],
        cwd: dir,
        env: { ...env, DEV_LOOP_PARAMS: JSON.stringify(params) },
        timeoutMs: 180_000,
      });
      let report = null;
      try {
        report = JSON.parse(readFileSync(reportFile, "utf8"));
      } catch {
        /* asserted below */
      }
      run = { ...r, report };
    },
    { timeout: 16 * 60_000 },
  );

  after(async () => {
    await dev?.stop(); // also ends a still-waiting shared-ack
    await ack?.catch(() => {});
    await server?.stop();
    await sandbox?.remove();
    cases.print();
    shared.print();
  });

  it("vitest run exits 0 with every test passed", () => {
    assert.equal(run.code, 0, run.out);
    assert.ok(run.report, `no JSON report:\n${run.out}`);
    const st = statuses(run.report);
    assert.deepEqual(Object.keys(st).sort(), [...CASES, "shares the namespace with a running wrangler dev"].sort());
    for (const [name, s] of Object.entries(st)) assert.equal(s, "passed", `${name}: ${s}\n${run.out}`);
    cases.add(CASES.length); // the scenario cases that passed inside workerd
  });

  cases.it("the run's writes and deletes are seen over REST (value, metadata, expiration, 404s)", async () => {
    await checkWriteOverRest(api, ns, params);
    await checkScenarioKeysOverRest(api, ns, params);
    await checkDeleteAndExpirationOverRest(api, ns, params);
  });

  shared.it("a running wrangler dev and a vitest run share the namespace, both ways", async () => {
    assert.equal(statuses(run.report)["shares the namespace with a running wrangler dev"], "passed");
    const seen = await ack;
    assert.deepEqual(seen, { ok: true, result: scenarios["shared-ack"].want(devParams) });
    assert.equal((await api.getValue(ns, "shared:ack")).text, "wrangler-dev saw: written by vitest");
  });
});
