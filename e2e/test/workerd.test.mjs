// workerd (the real runtime, node_modules/.bin/workerd) with a kvNamespace binding backed by
// flarekv's binding listener. The Worker e2e/workers/kv-scenarios.js runs one KV behaviour per
// route; these tests assert what the Worker saw and, where it matters, what REST v4 sees.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startServer } from "../lib/server.mjs";
import { E2E_ROOT, restApi, startWorkerd } from "../lib/workerd.mjs";

let server;
let workerd;
let api;
let ns;

const now = () => Math.floor(Date.now() / 1000);

/** Run a scenario route; returns result (asserting ok) */
async function run(route, params = {}) {
  const q = new URLSearchParams(params).toString();
  const r = await workerd.json(`/${route}${q ? `?${q}` : ""}`);
  if (!r.ok) assert.fail(`${route} threw ${r.error.name}: ${r.error.message}`);
  return r.result;
}

/** Run a scenario route that must throw; returns the error message the Worker saw */
async function runErr(route, params = {}) {
  const q = new URLSearchParams(params).toString();
  const r = await workerd.json(`/${route}${q ? `?${q}` : ""}`);
  if (r.ok) assert.fail(`${route} should have thrown but returned ${JSON.stringify(r.result)}`);
  return r.error;
}

describe("workerd 2026-04-26 kvNamespace binding against flarekv", { timeout: 5 * 60_000 }, () => {
  before(async () => {
    server = await startServer();
    assert.match(server.bindingAddress ?? "", /^127\.0\.0\.1:\d+$/, "server printed no FLAREKV_BINDING_ADDRESS");
    api = restApi(server);
    ns = await api.createNamespace("workerd-e2e");
    workerd = await startWorkerd({
      modules: [join(E2E_ROOT, "workers", "kv-scenarios.js")],
      bindings: [
        { name: "KV", address: server.bindingAddress, token: server.token, namespaceId: ns },
        // misconfigurations, to pin down what a Worker sees
        { name: "KV_UNKNOWN_NS", address: server.bindingAddress, token: server.token, namespaceId: "0".repeat(32) },
        { name: "KV_NO_TOKEN", address: server.bindingAddress, token: null, namespaceId: ns },
      ],
    });
  }, { timeout: 16 * 60_000 });

  after(async () => {
    await workerd?.stop();
    await server?.stop();
  });

  describe("get", () => {
    it("as text (default, 'text', {type:'text'})", async () => {
      assert.deepEqual(await run("get-text"), { default: "hello wörld", text: "hello wörld", opts: "hello wörld" });
    });

    it("as json", async () => {
      const want = { a: 1, b: [true, null], s: "é" };
      assert.deepEqual(await run("get-json"), { json: want, opts: want });
    });

    it("as arrayBuffer: bytes 0,1,2,127,128,254,255 exactly", async () => {
      assert.deepEqual(await run("get-arrayBuffer"), { isArrayBuffer: true, bytes: [0, 1, 2, 127, 128, 254, 255] });
    });

    it("as stream: identical bytes", async () => {
      assert.deepEqual(await run("get-stream"), { isStream: true, bytes: [0, 1, 2, 127, 128, 254, 255] });
    });

    it("missing key -> null for every type", async () => {
      assert.deepEqual(await run("get-missing"), { get: null, json: null, stream: null });
    });

    it("cacheTtl 60 and 30 are accepted", async () => {
      assert.equal(await run("get-cacheTtl", { n: 60 }), "cached");
      assert.equal(await run("get-cacheTtl", { n: 30 }), "cached");
    });

    it("cacheTtl 10 -> KV GET failed: 400 Invalid cache_ttl of 10 …", async () => {
      const e = await runErr("get-cacheTtl", { n: 10 });
      assert.equal(e.message, "KV GET failed: 400 Invalid cache_ttl of 10. Cache TTL must be at least 30.");
    });

    it("unknown type is rejected by workerd itself", async () => {
      const e = await runErr("err-get-type");
      assert.equal(e.name, "TypeError");
      assert.match(e.message, /Unknown response type/);
    });
  });

  describe("getWithMetadata", () => {
    it("value + metadata (with non-ASCII), metadata null when none, {value:null, metadata:null} when missing", async () => {
      const r = await run("getWithMetadata");
      assert.deepEqual(r.found, {
        value: "v",
        metadata: { owner: "workerd", n: 1, s: "é", nested: { a: [1, 2] } },
        cacheStatus: null,
      });
      assert.deepEqual(r.noMetadata, { value: "p", metadata: null, cacheStatus: null });
      assert.deepEqual(r.missing, { value: null, metadata: null, cacheStatus: null });
      // "v" is not JSON
      assert.deepEqual(r.json, { threw: "SyntaxError" });
    });
  });

  describe("put", () => {
    it("string: stored as UTF-8, read back by the Worker and over REST", async () => {
      const r = await run("put-string", { k: "put:str" });
      assert.deepEqual(r, { returned: { $undefined: true }, back: "héllo 😀" });
      const v = await api.getValue(ns, "put:str");
      assert.equal(v.status, 200);
      assert.deepEqual(v.bytes, Buffer.from("héllo 😀", "utf8"));
    });

    it("ArrayBuffer: all 256 byte values", async () => {
      const all = Array.from({ length: 256 }, (_, i) => i);
      assert.deepEqual(await run("put-arrayBuffer", { k: "put:ab" }), { back: all });
      assert.deepEqual((await api.getValue(ns, "put:ab")).bytes, Buffer.from(all));
    });

    it("ReadableStream (chunked, ~100 kB): identical bytes in the Worker and over REST", async () => {
      const big = Buffer.alloc(100_000);
      for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
      const want = Buffer.concat([Buffer.from([255, 0, 10, 20, 30, 200]), big]);
      const sha = createHash("sha256").update(want).digest("hex");
      assert.deepEqual(await run("put-stream", { k: "put:stream" }), { length: want.length, head: [255, 0, 10, 20, 30, 200], sha256: sha });
      const v = await api.getValue(ns, "put:stream");
      assert.equal(v.bytes.length, want.length);
      assert.ok(v.bytes.equals(want), "REST bytes differ from the streamed bytes");
    });

    it("with metadata: getWithMetadata returns it; REST metadata endpoint agrees", async () => {
      const meta = { owner: "workerd", n: 1, s: "é", list: [1, "two", null] };
      assert.deepEqual(await run("put-metadata", { k: "put:meta" }), { value: "with metadata", metadata: meta, cacheStatus: null });
      assert.deepEqual(await api.getMetadata(ns, "put:meta"), meta);
    });

    it("expirationTtl 3600: list and REST report expiration = now + 3600", async () => {
      const t0 = now();
      const r = await run("put-expirationTtl", { k: "put:ttl", ttl: 3600 });
      const t1 = now();
      assert.equal(r.value, "ttl");
      assert.equal(r.keys.length, 1);
      const exp = r.keys[0].expiration;
      assert.ok(exp >= t0 + 3600 && exp <= t1 + 3600, `expiration ${exp} not in [${t0 + 3600}, ${t1 + 3600}]`);
      const listed = await api.listKeys(ns, "put:ttl");
      assert.deepEqual(listed, [{ name: "put:ttl", expiration: exp }]);
    });

    it("expirationTtl 60 (the minimum) is accepted", async () => {
      assert.equal((await run("put-expirationTtl", { k: "put:ttl60", ttl: 60 })).value, "ttl");
    });

    it("absolute expiration now+3600: Worker list, REST list and REST GET header all report it", async () => {
      const exp = now() + 3600;
      const r = await run("put-expiration", { k: "put:exp", exp });
      assert.deepEqual(r, { value: "abs", keys: [{ name: "put:exp", expiration: exp }] });
      assert.deepEqual(await api.listKeys(ns, "put:exp"), [{ name: "put:exp", expiration: exp }]);
      const v = await api.getValue(ns, "put:exp");
      assert.equal(v.text, "abs");
      assert.equal(v.headers.get("expiration"), String(exp));
    });

    it("put overwrites value, metadata and expiration together", async () => {
      const r = await run("put-overwrite", { k: "put:over" });
      assert.deepEqual(r, { got: { value: "second", metadata: null, cacheStatus: null }, keys: [{ name: "put:over" }] });
    });

    it("metadata of exactly 1024 bytes is accepted", async () => {
      assert.equal(await run("ok-metadata-1024"), 1014);
    });

    it("key of exactly 512 bytes is accepted", async () => {
      assert.equal(await run("ok-key-512"), "512 bytes");
    });
  });

  describe("delete", () => {
    it("delete -> undefined; get -> null, getWithMetadata -> nulls, list no longer shows it; deleting a missing key succeeds", async () => {
      assert.deepEqual(await run("delete"), {
        before: "to be deleted",
        returned: { $undefined: true },
        after: null,
        afterMeta: { value: null, metadata: null, cacheStatus: null },
        listed: [],
        deleteMissing: { $undefined: true },
      });
      assert.equal((await api.getValue(ns, "del:k")).status, 404);
    });

    it("delete([a, b]) is stringified by workerd to the single key 'a,b'", async () => {
      assert.deepEqual(await run("delete-array"), { a: "A", b: "B", joined: null });
    });
  });

  describe("list", () => {
    it("limit 2 + cursor + prefix: 3 pages, list_complete, cursor only when incomplete, metadata parsed, cacheStatus null", async () => {
      const pages = await run("list-pages");
      assert.equal(pages.length, 3, JSON.stringify(pages));
      const [p1, p2, p3] = pages;
      assert.deepEqual(p1.keys, [{ name: "lst:a", metadata: { i: 1, s: "é" } }, { name: "lst:b" }]);
      assert.equal(p1.list_complete, false);
      assert.equal(typeof p1.cursor, "string");
      assert.ok(p1.cursor.length > 0);
      assert.equal(p1.cacheStatus, null);
      assert.equal(p2.keys.length, 2);
      assert.equal(p2.keys[0].name, "lst:c");
      assert.equal(typeof p2.keys[0].expiration, "number");
      assert.deepEqual(p2.keys[1], { name: "lst:d", metadata: ["x"] });
      assert.equal(p2.list_complete, false);
      assert.deepEqual(p3, { keys: [{ name: "lst:e" }], list_complete: true, cacheStatus: null });
      assert.ok(!("cursor" in p3), "a complete page must not carry a cursor");
    });

    it("without limit: all 5 keys under the prefix, sorted, complete", async () => {
      const r = await run("list-all");
      assert.deepEqual(r.keys.map((k) => k.name), ["lst:a", "lst:b", "lst:c", "lst:d", "lst:e"]);
      assert.equal(r.list_complete, true);
      assert.equal(r.cacheStatus, null);
    });

    it("non-matching prefix -> {keys: [], list_complete: true, cacheStatus: null}", async () => {
      assert.deepEqual(await run("list-empty"), { keys: [], list_complete: true, cacheStatus: null });
    });
  });

  describe("bulk get", () => {
    before(async () => {
      await run("bulk-setup");
    });

    it("get([..]) as text: Map with values, missing -> null, '' kept", async () => {
      assert.deepEqual(await run("bulk-text"), { "bk:text": "one", "bk:obj": '{"x":1,"s":"é"}', "bk:missing": null, "bk:empty": "" });
    });

    it("get([..], {type:'text', cacheTtl: 60})", async () => {
      assert.deepEqual(await run("bulk-text-opts"), { "bk:text": "one", "bk:missing": null });
    });

    it("get([..], 'json'): parsed by the server, falsy 0/false kept", async () => {
      assert.deepEqual(await run("bulk-json"), {
        "bk:obj": { x: 1, s: "é" },
        "bk:arr": [1, 2, 3],
        "bk:zero": 0,
        "bk:false": false,
        "bk:missing": null,
      });
    });

    it("getWithMetadata([..]): {value, metadata} per found key (incl. '0' and ''), missing -> null", async () => {
      assert.deepEqual(await run("bulk-withMetadata"), {
        "bk:text": { value: "one", metadata: null },
        "bk:obj": { value: '{"x":1,"s":"é"}', metadata: { m: "obj" } },
        "bk:zero": { value: "0", metadata: { falsy: true } },
        "bk:empty": { value: "", metadata: null },
        "bk:missing": null,
      });
    });

    it("getWithMetadata([..], 'json'): falsy values 0 / false wrapped, not treated as missing", async () => {
      assert.deepEqual(await run("bulk-withMetadata-json"), {
        "bk:zero": { value: 0, metadata: { falsy: true } },
        "bk:false": { value: false, metadata: null },
        "bk:obj": { value: { x: 1, s: "é" }, metadata: { m: "obj" } },
        "bk:missing": null,
      });
    });

    it("100 keys is the maximum accepted", async () => {
      assert.deepEqual(await run("bulk-100"), { size: 100, allNull: true });
    });
  });

  describe("invalid input: the exact message a Worker sees", () => {
    it("expirationTtl 30", async () => {
      assert.equal((await runErr("err-expirationTtl-30")).message, "KV PUT failed: 400 Invalid expiration_ttl of 30. Expiration TTL must be at least 60.");
    });

    it("expirationTtl 0", async () => {
      assert.equal((await runErr("err-expirationTtl-0")).message, "KV PUT failed: 400 Invalid expiration_ttl of 0. Please specify integer greater than 0.");
    });

    it("expiration now+30", async () => {
      const exp = now() + 30;
      assert.equal(
        (await runErr("err-expiration-soon", { exp })).message,
        `KV PUT failed: 400 Invalid expiration of ${exp}. Expiration times must be at least 60 seconds in the future.`,
      );
    });

    it("expiration in the past", async () => {
      const exp = now() - 10;
      assert.equal(
        (await runErr("err-expiration-past", { exp })).message,
        `KV PUT failed: 400 Invalid expiration of ${exp}. Please specify integer greater than the current number of seconds since the UNIX epoch.`,
      );
    });

    it("expiration after 2038 never leaves workerd (int32)", async () => {
      const e = await runErr("err-expiration-2100");
      assert.deepEqual(e, { name: "TypeError", message: "Value out of range. Must be between -2147483648 and 2147483647 (inclusive)." });
    });

    it("metadata of 1025 bytes", async () => {
      assert.equal((await runErr("err-metadata-1025")).message, "KV PUT failed: 413 Metadata length of 1025 exceeds limit of 1024.");
    });

    it("key of 513 bytes (workerd checks this client-side)", async () => {
      assert.equal((await runErr("err-key-513")).message, "KV PUT failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512.");
      assert.equal((await runErr("err-key-513-get")).message, "KV GET failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512.");
    });

    it("empty key and '.' (workerd TypeErrors)", async () => {
      assert.deepEqual(await runErr("err-key-empty"), { name: "TypeError", message: "Key name cannot be empty." });
      assert.deepEqual(await runErr("err-key-dot"), { name: "TypeError", message: '"." is not allowed as a key name.' });
    });

    it("list limit 1001", async () => {
      assert.equal((await runErr("err-list-1001")).message, "KV GET failed: 400 Invalid key_count_limit of 1001. Please specify an integer less than 1000.");
    });

    it("bulk get of 101 keys", async () => {
      assert.equal((await runErr("err-bulk-101")).message, "KV GET_BULK failed: 400 You can request a maximum of 100 keys");
    });

    it("bulk get of 0 keys", async () => {
      assert.equal((await runErr("err-bulk-empty")).message, "KV GET_BULK failed: 400 You must request a minimum of 1 key");
    });

    it("bulk get json over a non-JSON value", async () => {
      await run("bulk-setup");
      assert.equal(
        (await runErr("err-bulk-json-nonjson")).message,
        "KV GET_BULK failed: 400 At least one of the requested keys corresponds to a non-json value",
      );
    });
  });

  describe("one store, two surfaces", () => {
    it("a key put by the Worker is read over REST with identical value, metadata and expiration", async () => {
      const k = "surface/worker é?&#%";
      const v = `written by workerd ${randomBytes(4).toString("hex")}`;
      const m = { from: "worker", é: ["ü", 1] };
      const exp = now() + 7200;
      assert.equal(await run("surface-put", { k, v, m: JSON.stringify(m), exp }), true);
      const got = await api.getValue(ns, k);
      assert.equal(got.status, 200);
      assert.equal(got.text, v);
      assert.equal(got.headers.get("expiration"), String(exp));
      assert.deepEqual(await api.getMetadata(ns, k), m);
      assert.deepEqual(await api.listKeys(ns, "surface/worker"), [{ name: k, expiration: exp, metadata: m }]);
    });

    it("a key written over REST (metadata + expiration_ttl) is read by the Worker via getWithMetadata and list", async () => {
      const k = "surface/rest:key with spaces";
      const m = { from: "rest", n: 2, s: "é" };
      const t0 = now();
      await api.putValue(ns, k, "written over REST", { metadata: m, query: "?expiration_ttl=600" });
      const t1 = now();
      const r = await run("surface-read", { k });
      assert.deepEqual(r.got, { value: "written over REST", metadata: m, cacheStatus: null });
      assert.equal(r.keys.length, 1);
      assert.equal(r.keys[0].name, k);
      assert.deepEqual(r.keys[0].metadata, m);
      const exp = r.keys[0].expiration;
      assert.ok(exp >= t0 + 600 && exp <= t1 + 600, `expiration ${exp} not in [${t0 + 600}, ${t1 + 600}]`);
    });
  });

  describe("misconfigured bindings", () => {
    it("unknown namespace id -> 400 (never 404, which a get would read as 'missing')", async () => {
      const g = await runErr("err-unknown-namespace-get");
      assert.equal(g.message, `KV GET failed: 400 KV namespace ${"0".repeat(32)} not found`);
      const p = await runErr("err-unknown-namespace-put");
      assert.equal(p.message, `KV PUT failed: 400 KV namespace ${"0".repeat(32)} not found`);
    });

    it("no Authorization header while flarekv has tokens -> 401", async () => {
      assert.equal((await runErr("err-no-token-get")).message, "KV GET failed: 401 Authentication error");
    });
  });
});
