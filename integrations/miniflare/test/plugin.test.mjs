// A Worker in programmatic Miniflare reads and writes flarekv through the plugin's bindings, and
// REST sees the same data (and the other way round).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { call, kvMiniflare, namespaceByTitle, rest, startServer } from "./helpers.mjs";

delete process.env.FLAREKV_API_TOKEN;

describe("plugin with a real flarekv", () => {
  let server, api, mf, byId;

  before(async () => {
    server = await startServer();
    api = rest(server);
    byId = await api.createNamespace("created-over-rest");
    mf = kvMiniflare([
      // title = the binding name, created on first use
      { name: "AUTH_SESSION_KV", options: { address: server.bindingAddress, api_token: server.token } },
      { name: "CACHE_KV", options: { address: server.bindingAddress, namespace_id: byId.id, api_token: server.token } },
    ]);
    await mf.ready;
  });
  after(async () => {
    await mf?.dispose();
    await server?.stop();
  });

  test("a Worker put (metadata, expirationTtl) is read over REST; a REST write is read by the Worker", async () => {
    const before = Math.floor(Date.now() / 1000);
    assert.deepEqual(
      await call(mf, "AUTH_SESSION_KV", "put", "session:1", "alice", { metadata: { role: "admin" }, expirationTtl: 3600 }),
      { result: null },
    );
    const ns = await namespaceByTitle(api, "AUTH_SESSION_KV");
    assert.ok(ns, "the title namespace was created in the server's account");
    assert.equal((await api.getValue(ns.id, "session:1")).text, "alice");
    const [key] = await api.listKeys(ns.id, "session:");
    assert.equal(key.name, "session:1");
    assert.deepEqual(key.metadata, { role: "admin" });
    assert.ok(key.expiration >= before + 3600 && key.expiration <= before + 3600 + 120, `expiration ${key.expiration}`);

    await api.putValue(ns.id, "from-rest", "written over REST");
    assert.deepEqual(await call(mf, "AUTH_SESSION_KV", "get", "from-rest"), { result: "written over REST" });
  });

  test("getWithMetadata, list with a prefix, bulk get, delete", async () => {
    await call(mf, "AUTH_SESSION_KV", "put", "rl:login:a", JSON.stringify({ n: 1 }), { metadata: { m: 1 } });
    await call(mf, "AUTH_SESSION_KV", "put", "rl:login:b", JSON.stringify({ n: 2 }));
    assert.deepEqual(await call(mf, "AUTH_SESSION_KV", "getWithMetadata", "rl:login:a", "json"), {
      result: { value: { n: 1 }, metadata: { m: 1 }, cacheStatus: null },
    });
    const listed = (await call(mf, "AUTH_SESSION_KV", "list", { prefix: "rl:login:" })).result;
    assert.deepEqual(listed.keys.map((k) => k.name), ["rl:login:a", "rl:login:b"]);
    assert.deepEqual(listed.keys[0].metadata, { m: 1 });
    assert.equal(listed.list_complete, true);
    const page = (await call(mf, "AUTH_SESSION_KV", "list", { prefix: "rl:login:", limit: 1 })).result;
    assert.equal(page.list_complete, false);
    assert.equal(typeof page.cursor, "string");
    assert.deepEqual(await call(mf, "AUTH_SESSION_KV", "get", ["rl:login:a", "rl:login:b", "nope"], "json"), {
      result: { "rl:login:a": { n: 1 }, "rl:login:b": { n: 2 }, nope: null },
    });
    await call(mf, "AUTH_SESSION_KV", "delete", "rl:login:a");
    assert.deepEqual(await call(mf, "AUTH_SESSION_KV", "get", "rl:login:a"), { result: null });
    const ns = await namespaceByTitle(api, "AUTH_SESSION_KV");
    assert.equal((await api.getValue(ns.id, "rl:login:a")).status, 404);
  });

  test("expirationTtl: 30 reaches the Worker as Cloudflare's message", async () => {
    assert.deepEqual(await call(mf, "AUTH_SESSION_KV", "put", "short", "x", { expirationTtl: 30 }), {
      error: "KV PUT failed: 400 Invalid expiration_ttl of 30. Expiration TTL must be at least 60.",
    });
  });

  test("a namespace_id binding uses that namespace", async () => {
    await api.putValue(byId.id, "k", "in the id namespace");
    assert.deepEqual(await call(mf, "CACHE_KV", "get", "k"), { result: "in the id namespace" });
    await call(mf, "CACHE_KV", "put", "w", "from the Worker");
    assert.equal((await api.getValue(byId.id, "w")).text, "from the Worker");
    // and it is not the title namespace
    assert.deepEqual(await call(mf, "AUTH_SESSION_KV", "get", "k"), { result: null });
  });

  test("mf.getBindings() gives Node the same KV (getNodeBindings)", async () => {
    const env = await mf.getBindings();
    assert.deepEqual(Object.keys(env).sort(), ["AUTH_SESSION_KV", "CACHE_KV"]);
    await env.CACHE_KV.put("from-node", "n", { metadata: { via: "node" } });
    assert.equal((await api.getValue(byId.id, "from-node")).text, "n");
    const { value, metadata } = await env.CACHE_KV.getWithMetadata("from-node");
    assert.equal(value, "n");
    assert.deepEqual(metadata, { via: "node" });
    assert.deepEqual((await env.CACHE_KV.list({ prefix: "from-" })).keys.map((k) => k.name), ["from-node"]);
  });
});
