// The `location` option: each binding reads at its own edge location of a flarekv started with
// --consistency eventual (the X-Flarekv-Location header), so a Worker can meet a stale read.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { call, kvMiniflare, PLUGIN, startServer } from "./helpers.mjs";
import { resolveBinding } from "../src/index.mjs";

delete process.env.FLAREKV_API_TOKEN;

describe("location option", () => {
  test("bad locations are refused at start with the expected form", () => {
    for (const location of ["", "x".repeat(65), "caf\u00e9", " fra", 7]) {
      assert.throws(
        () => resolveBinding({ name: "KV", type: "kv_namespace", plugin: PLUGIN, options: { location } }),
        /binding "KV": location must be a name of 1 to 64 printable ASCII characters/,
      );
    }
    const ok = resolveBinding({ name: "KV", type: "kv_namespace", plugin: PLUGIN, options: { location: "fra" } });
    assert.deepEqual(ok.headers.find((h) => h.name === "X-Flarekv-Location"), { name: "X-Flarekv-Location", value: "fra" });
  });

  describe("with a real flarekv --consistency eventual", () => {
    let server, mf;

    before(async () => {
      server = await startServer({ extraArgs: ["--consistency", "eventual", "--random-seed", "1"] });
      const options = { address: server.bindingAddress, api_token: server.token, namespace: "SESSIONS" };
      mf = kvMiniflare([
        { name: "AT_FRA", options: { ...options, location: "fra" } },
        { name: "AT_IAD", options: { ...options, location: "iad" } },
      ]);
      await mf.ready;
    });
    after(async () => {
      await mf?.dispose();
      await server?.stop();
    });

    test("a write is read at once where it was made and stays stale at a location that read before", async () => {
      // iad reads first: the miss is cached there for its cacheTtl (60 s)
      assert.deepEqual(await call(mf, "AT_IAD", "get", "session:1"), { result: null });
      assert.deepEqual(await call(mf, "AT_FRA", "put", "session:1", "alice"), { result: null });
      assert.deepEqual(await call(mf, "AT_FRA", "get", "session:1"), { result: "alice" });
      assert.deepEqual(await call(mf, "AT_IAD", "get", "session:1"), { result: null });

      // flushing the edge caches makes every location read the latest value
      const flushed = await fetch(`${server.origin}/flarekv/v1/consistency/flush`, {
        method: "POST",
        headers: { Authorization: `Bearer ${server.token}` },
      });
      assert.equal(flushed.status, 200, await flushed.clone().text());
      assert.equal((await flushed.json()).success, true);
      assert.deepEqual(await call(mf, "AT_IAD", "get", "session:1"), { result: "alice" });
    });
  });
});
