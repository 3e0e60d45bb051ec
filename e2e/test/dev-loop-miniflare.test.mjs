// Programmatic Miniflare 4.20260426.0 (unmodified) against flarekv, both ways a test setup can
// bind KV to it:
//   - `unsafeBindings` naming the flarekv-miniflare plugin (what wrangler's env.flarekv becomes);
//   - Miniflare's remote-proxy form, `kvNamespaces: { KV: { id, remoteProxyConnectionString } }`
//     pointing at the binding listener's /ns/<namespace id>, token as access_token in the URL:
//     from a Worker, from Node (mf.getKVNamespace), and as vitest-pool-workers' `miniflare` option.
// Each runs the shared KV scenario (e2e/workers/dev-loop-kv.js); REST checks the other side.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Miniflare } from "miniflare";
import {
  BIN,
  CASES,
  caseCounter,
  checkDeleteAndExpirationOverRest,
  checkScenarioKeysOverRest,
  checkWriteOverRest,
  fixtureCopy,
  nodeCall,
  scenarioCases,
  scenarioParams,
  seedOverRest,
} from "../lib/dev-loop.mjs";
import { runTool, toolEnv } from "../lib/devtool.mjs";
import { rest } from "../lib/rest.mjs";
import { startServer } from "../lib/server.mjs";
import { E2E_ROOT, wranglerSandbox } from "../lib/wrangler.mjs";

const WORKER = join(E2E_ROOT, "workers", "dev-loop-kv.js");
const COMPAT = "2025-06-01";
const unsafeCases = caseCounter("miniflare-unsafeBindings");
const proxyCases = caseCounter("miniflare-remote-proxy");
const vitestCases = caseCounter("vitest-pool-workers-remote-proxy");
let server;
let api;
let ns;
const live = []; // Miniflare instances to dispose

/** A `call` that asks the Miniflare's Worker: dispatchFetch GET /<name>?p=<JSON>. */
const workerCall = (mf) => async (name, p) => {
  const res = await mf.dispatchFetch(`http://localhost/${name}?p=${encodeURIComponent(JSON.stringify(p))}`);
  return JSON.parse(await res.text());
};

function miniflare(opts) {
  const mf = new Miniflare({ modules: true, scriptPath: WORKER, compatibilityDate: COMPAT, cf: false, ...opts });
  live.push(mf);
  return mf;
}

/** The remote-proxy connection URL: binding listener, /ns/<id>, optional access_token. */
function connection(token) {
  const url = new URL(`http://${server.bindingAddress}/ns/${ns}`);
  if (token) url.searchParams.set("access_token", token);
  return url;
}

describe("programmatic Miniflare against flarekv", { timeout: 5 * 60_000 }, () => {
  before(
    async () => {
      server = await startServer();
      api = rest(server);
      ns = (await api.createNamespace("KV")).id;
    },
    { timeout: 16 * 60_000 },
  );

  after(async () => {
    for (const mf of live) await mf.dispose().catch(() => {});
    await server?.stop();
    unsafeCases.print();
    proxyCases.print();
    vitestCases.print();
  });

  describe("unsafeBindings with the flarekv-miniflare plugin", () => {
    let mf;
    before(async () => {
      mf = miniflare({
        unsafeBindings: [
          {
            name: "KV",
            type: "kv_namespace",
            plugin: { package: "flarekv-miniflare", name: "flarekv" },
            options: { address: server.bindingAddress, namespace: "KV", api_token: server.token },
          },
        ],
      });
      await mf.ready;
    });
    describe("from the Worker", () => {
      const params = scenarioParams("miniflare-worker");
      scenarioCases({ cases: unsafeCases, call: (n, p) => workerCall(mf)(n, p), api: () => api, ns: () => ns, params: () => params });
    });
    describe("from Node (mf.getBindings().KV)", () => {
      let kv;
      before(async () => {
        kv = (await mf.getBindings()).KV;
      });
      const params = scenarioParams("miniflare-node");
      scenarioCases({ cases: unsafeCases, call: nodeCall(() => kv), api: () => api, ns: () => ns, params: () => params });
    });
  });

  describe("remoteProxyConnectionString = http://<binding address>/ns/<id>?access_token=<token>", () => {
    let mf;
    before(async () => {
      mf = miniflare({ kvNamespaces: { KV: { id: "dev-loop", remoteProxyConnectionString: connection(server.token) } } });
      await mf.ready;
    });
    describe("from the Worker", () => {
      const params = scenarioParams("remote-proxy-worker");
      scenarioCases({ cases: proxyCases, call: (n, p) => workerCall(mf)(n, p), api: () => api, ns: () => ns, params: () => params });
    });
    describe("from Node (mf.getKVNamespace('KV'))", () => {
      let kv;
      before(async () => {
        kv = await mf.getKVNamespace("KV");
      });
      const params = scenarioParams("remote-proxy-node");
      scenarioCases({ cases: proxyCases, call: nodeCall(() => kv), api: () => api, ns: () => ns, params: () => params });
    });
    proxyCases.it("without the access_token the server refuses (401) and writes nothing", async () => {
      const bare = miniflare({ kvNamespaces: { KV: { id: "dev-loop", remoteProxyConnectionString: connection(null) } } });
      const p = scenarioParams("remote-proxy-no-token");
      const r = await workerCall(bare)("write", p);
      assert.equal(r.ok, false, JSON.stringify(r));
      assert.match(r.error.message, /^KV PUT failed: 401 /);
      assert.equal((await api.getValue(ns, `${p.pre}written`)).status, 404);
    });
  });

  describe("vitest-pool-workers with the remote-proxy form as its `miniflare` option", () => {
    const params = scenarioParams("vitest-remote-proxy");
    let run;
    before(
      async () => {
        await seedOverRest(api, ns, params);
        const sandbox = await wranglerSandbox();
        try {
          const dir = fixtureCopy("vitest-remote-proxy", server.bindingAddress);
          run = await runTool({
            label: "vitest run (vitest-pool-workers, remote-proxy miniflare option)",
            command: BIN("vitest"),
            args: ["run", "--config", "vitest.remote-proxy.config.mjs", "--reporter=verbose"],
            cwd: dir,
            env: toolEnv(sandbox, { FLAREKV_API_TOKEN: server.token, FLAREKV_NAMESPACE_ID: ns, DEV_LOOP_PARAMS: JSON.stringify(params) }),
            timeoutMs: 180_000,
          });
        } finally {
          await sandbox.remove();
        }
      },
      { timeout: 4 * 60_000 },
    );
    it("vitest run exits 0; every scenario passed inside workerd", () => {
      assert.equal(run.code, 0, run.out);
      for (const name of CASES) assert.match(run.out, new RegExp(`✓ test/kv\\.test\\.js > ${name}\\b`), `${name} did not pass:\n${run.out}`);
      vitestCases.add(CASES.length);
    });
    vitestCases.it("the run's writes and deletes are seen over REST", async () => {
      await checkWriteOverRest(api, ns, params);
      await checkScenarioKeysOverRest(api, ns, params);
      await checkDeleteAndExpirationOverRest(api, ns, params);
    });
  });
});
