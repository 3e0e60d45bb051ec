// `CLOUDFLARE_ENV=flarekv vite dev` with @cloudflare/vite-plugin 1.34.0 and vite 7.3.8 (unmodified):
// the fixture's vite.config.mjs runs the Worker e2e/workers/dev-loop-kv.js with env.flarekv's
// bindings, so KV is flarekv through the flarekv-miniflare plugin. Driven over HTTP.
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { BIN, caseCounter, fixtureCopy, httpCall, scenarioCases, scenarioParams } from "../lib/dev-loop.mjs";
import { startDevServer, toolEnv } from "../lib/devtool.mjs";
import { rest } from "../lib/rest.mjs";
import { startServer } from "../lib/server.mjs";
import { freePort } from "../lib/workerd.mjs";
import { wranglerSandbox } from "../lib/wrangler.mjs";

const cases = caseCounter("vite-plugin");
let server;
let api;
let ns;
let sandbox;
let dev;
const params = scenarioParams("vite-plugin");

describe("CLOUDFLARE_ENV=flarekv vite dev (@cloudflare/vite-plugin) against flarekv", { timeout: 5 * 60_000 }, () => {
  before(
    async () => {
      server = await startServer();
      api = rest(server);
      ns = (await api.createNamespace("KV")).id;
      sandbox = await wranglerSandbox();
      const dir = fixtureCopy("vite-plugin", server.bindingAddress);
      const port = await freePort();
      dev = await startDevServer({
        label: "CLOUDFLARE_ENV=flarekv vite dev",
        command: BIN("vite"),
        args: ["dev", "--config", "vite.config.mjs", "--host", "127.0.0.1", "--port", String(port), "--strictPort"],
        cwd: dir,
        env: toolEnv(sandbox, { CLOUDFLARE_ENV: "flarekv", FLAREKV_API_TOKEN: server.token }),
        url: `http://127.0.0.1:${port}/`,
      });
    },
    { timeout: 16 * 60_000 },
  );

  after(async () => {
    await dev?.stop();
    await server?.stop();
    await sandbox?.remove();
    cases.print();
  });

  cases.it("vite serves the Worker (unknown route lists the scenarios)", async () => {
    const res = await fetch(`${dev.url}nope`);
    assert.equal(res.status, 404);
    assert.ok((await res.json()).scenarios.includes("write"));
  });

  scenarioCases({ cases, call: (name, p) => httpCall(dev.url.replace(/\/$/, ""))(name, p), api: () => api, ns: () => ns, params: () => params });
});
