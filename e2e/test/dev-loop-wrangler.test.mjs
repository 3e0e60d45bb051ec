// `wrangler dev --env flarekv` (wrangler 4.86.0, unmodified) with the fixture project
// e2e/fixtures/dev-loop: its env.flarekv binds KV through the flarekv-miniflare plugin to a real
// flarekv. The Worker e2e/workers/dev-loop-kv.js runs each scenario; REST checks the other side.
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { BIN, caseCounter, fixtureCopy, httpCall, scenarioCases, scenarioParams } from "../lib/dev-loop.mjs";
import { startDevServer, toolEnv } from "../lib/devtool.mjs";
import { rest } from "../lib/rest.mjs";
import { startServer } from "../lib/server.mjs";
import { freePort } from "../lib/workerd.mjs";
import { wranglerSandbox } from "../lib/wrangler.mjs";

const cases = caseCounter("wrangler-dev");
let server;
let api;
let ns;
let sandbox;
let dev;
let titlesBefore;
const params = scenarioParams("wrangler-dev");

describe("wrangler dev --env flarekv against flarekv", { timeout: 5 * 60_000 }, () => {
  before(
    async () => {
      server = await startServer();
      api = rest(server);
      // no namespace yet: the binding's title "KV" is created by flarekv on first use
      titlesBefore = (await api.listNamespaces()).map((n) => n.title);
      sandbox = await wranglerSandbox();
      const dir = fixtureCopy("wrangler-dev", server.bindingAddress);
      const [port, inspector] = [await freePort(), await freePort()];
      dev = await startDevServer({
        label: "wrangler dev --env flarekv",
        command: BIN("wrangler"),
        args: ["dev", "--env", "flarekv", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector)],
        cwd: dir,
        env: toolEnv(sandbox, { FLAREKV_API_TOKEN: server.token }),
        url: `http://127.0.0.1:${port}/`,
      });
      ns = (await api.listNamespaces()).find((n) => n.title === "KV")?.id;
    },
    { timeout: 16 * 60_000 },
  );

  after(async () => {
    await dev?.stop();
    await server?.stop();
    await sandbox?.remove();
    cases.print();
  });

  cases.it("wrangler shows the binding as local flarekv and warns that `unsafe` is experimental", () => {
    const out = dev.output();
    assert.match(out, /env\.KV \(kv_namespace\)\s+flarekv\s+local/);
    assert.match(out, /"unsafe" fields are experimental and may change or break at any time\./);
  });

  cases.it("the namespace titled KV did not exist before and was created by flarekv on first use", () => {
    assert.deepEqual(titlesBefore, []);
    assert.match(ns ?? "", /^[0-9a-f]{32}$/);
  });

  scenarioCases({ cases, call: (name, p) => httpCall(dev.url.replace(/\/$/, ""))(name, p), api: () => api, ns: () => ns, params: () => params });
});
