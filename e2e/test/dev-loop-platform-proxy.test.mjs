// getPlatformProxy({ environment: "flarekv" }) from wrangler 4.86.0 (what SvelteKit's
// adapter-cloudflare and Astro call in `vite dev`): env.KV in this Node process is flarekv, through
// the flarekv-miniflare plugin named in the fixture's env.flarekv.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe } from "node:test";
import { caseCounter, fixtureCopy, nodeCall, scenarioCases, scenarioParams } from "../lib/dev-loop.mjs";
import { rest } from "../lib/rest.mjs";
import { startServer } from "../lib/server.mjs";

const cases = caseCounter("getPlatformProxy");
let server;
let api;
let ns;
let proxy;
const params = scenarioParams("platform-proxy");

describe("getPlatformProxy({ environment: 'flarekv' }) against flarekv", { timeout: 5 * 60_000 }, () => {
  before(
    async () => {
      server = await startServer();
      api = rest(server);
      ns = (await api.createNamespace("KV")).id;
      const dir = fixtureCopy("platform-proxy", server.bindingAddress);
      // the plugin's token fallback, and no Request.cf download: set in this (test) process
      process.env.FLAREKV_API_TOKEN = server.token;
      process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
      // wrangler's config warnings (shown by the wrangler dev suite) would fill this file's output
      process.env.WRANGLER_LOG = "error";
      const { getPlatformProxy } = await import("wrangler");
      proxy = await getPlatformProxy({ configPath: join(dir, "wrangler.jsonc"), environment: "flarekv", persist: false });
    },
    { timeout: 16 * 60_000 },
  );

  after(async () => {
    await proxy?.dispose();
    await server?.stop();
    delete process.env.FLAREKV_API_TOKEN;
    cases.print();
  });

  cases.it("env has exactly the KV binding of env.flarekv", () => {
    assert.deepEqual(Object.keys(proxy.env), ["KV"]);
  });

  scenarioCases({ cases, call: nodeCall(() => proxy.env.KV), api: () => api, ns: () => ns, params: () => params });
});
