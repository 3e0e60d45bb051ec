// The `cloudflare` TypeScript SDK 7.3.0 (real, installed) against a real flarekv server.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Cloudflare, { AuthenticationError, BadRequestError, NotFoundError, toFile } from "cloudflare";
import { rest } from "../lib/rest.mjs";
import { startServer } from "../lib/server.mjs";

let server;
let cf;
let api;
let account_id;

const now = () => Math.floor(Date.now() / 1000);
const BIN = Buffer.concat([
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i)),
]);

/** await p, expecting it to throw an instance of cls; returns the error */
async function rejects(p, cls) {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e?.constructor?.name}: ${e?.message}`);
    return e;
  }
  assert.fail(`expected ${cls.name}, but the call succeeded`);
}

describe("cloudflare SDK 7.3.0 against flarekv", { timeout: 20 * 60_000 }, () => {
  before(async () => {
    server = await startServer();
    api = rest(server);
    account_id = server.accountId;
    cf = new Cloudflare({ baseURL: server.baseUrl, apiToken: server.token, maxRetries: 0 });
  }, { timeout: 16 * 60_000 });

  after(async () => {
    await server?.stop();
  });

  describe("kv.namespaces", () => {
    let id;
    it("create returns {id, title}", async () => {
      const ns = await cf.kv.namespaces.create({ account_id, title: "sdk-ns" });
      assert.match(ns.id, /^[0-9a-f]{32}$/);
      assert.equal(ns.title, "sdk-ns");
      id = ns.id;
      assert.equal((await api.getNamespace(id)).json.result.title, "sdk-ns");
    });

    it("get returns the namespace", async () => {
      const ns = await cf.kv.namespaces.get(id, { account_id });
      assert.equal(ns.id, id);
      assert.equal(ns.title, "sdk-ns");
    });

    it("update renames it (same id)", async () => {
      const ns = await cf.kv.namespaces.update(id, { account_id, title: "sdk-ns-renamed" });
      assert.equal(ns.id, id);
      assert.equal(ns.title, "sdk-ns-renamed");
      assert.equal((await cf.kv.namespaces.get(id, { account_id })).title, "sdk-ns-renamed");
    });

    it("duplicate title -> BadRequestError 400 with code 10014", async () => {
      const e = await rejects(cf.kv.namespaces.create({ account_id, title: "sdk-ns-renamed" }), BadRequestError);
      assert.equal(e.status, 400);
      assert.equal(e.errors?.[0]?.code, 10014, JSON.stringify(e.error));
      assert.equal(e.error?.success, false);
    });

    it("list auto-paginates (for await, per_page 20) over 250 namespaces; then they are deleted", async () => {
      const created = [];
      for (let i = 0; i < 250; i++) {
        const ns = await cf.kv.namespaces.create({ account_id, title: `sdk-page-${String(i).padStart(3, "0")}` });
        created.push(ns.id);
      }
      const seen = [];
      for await (const ns of cf.kv.namespaces.list({ account_id, per_page: 20 })) seen.push(ns);
      const ids = new Set(seen.map((n) => n.id));
      assert.equal(ids.size, seen.length, "a namespace was returned twice");
      for (const c of created) assert.ok(ids.has(c), `namespace ${c} missing from the auto-paginated list`);
      assert.ok(ids.has(id));
      assert.equal(seen.length, 251);
      // the first page honours per_page
      const page1 = await cf.kv.namespaces.list({ account_id, per_page: 20 });
      assert.equal(page1.result.length, 20);

      for (const c of created) {
        const r = await cf.kv.namespaces.delete(c, { account_id });
        assert.ok(r === null || typeof r === "object");
      }
      const left = [];
      for await (const ns of cf.kv.namespaces.list({ account_id, per_page: 20 })) left.push(ns.id);
      assert.deepEqual(left, [id]);
    });

    it("delete removes it; get then -> NotFoundError 404 code 10013", async () => {
      await cf.kv.namespaces.delete(id, { account_id });
      const e = await rejects(cf.kv.namespaces.get(id, { account_id }), NotFoundError);
      assert.equal(e.status, 404);
      assert.equal(e.errors?.[0]?.code, 10013, JSON.stringify(e.error));
    });
  });

  describe("kv.namespaces.values / metadata", () => {
    let namespace_id;
    before(async () => {
      namespace_id = (await cf.kv.namespaces.create({ account_id, title: "sdk-values" })).id;
    });

    it("values.update with a string; values.get -> text()", async () => {
      const r = await cf.kv.namespaces.values.update("str", { account_id, namespace_id, value: "hello sdk" });
      assert.ok(r === null || typeof r === "object");
      const res = await cf.kv.namespaces.values.get("str", { account_id, namespace_id });
      assert.equal(await res.text(), "hello sdk");
      assert.equal(res.headers.get("expiration"), null);
      assert.equal((await api.getValue(namespace_id, "str")).text, "hello sdk");
    });

    it("values.update with a Blob (via toFile) and a File (binary 0..255); values.get -> arrayBuffer() exact", async () => {
      // NB: the SDK silently drops a bare Node Blob (it sends an empty multipart body, and the server
      // rightly answers 400 "Missing value field"); a Blob has to go through toFile() or be a File.
      await cf.kv.namespaces.values.update("blob", { account_id, namespace_id, value: await toFile(new Blob([BIN]), "blob.bin") });
      const a = Buffer.from(await (await cf.kv.namespaces.values.get("blob", { account_id, namespace_id })).arrayBuffer());
      assert.ok(a.equals(BIN), `got ${a.length} bytes`);
      await cf.kv.namespaces.values.update("file", { account_id, namespace_id, value: new File([BIN], "blob.bin", { type: "application/octet-stream" }) });
      const b = Buffer.from(await (await cf.kv.namespaces.values.get("file", { account_id, namespace_id })).arrayBuffer());
      assert.ok(b.equals(BIN), `got ${b.length} bytes`);
      assert.ok((await api.getValue(namespace_id, "file")).bytes.equals(BIN));
    });

    it("values.update with metadata as a JSON string; metadata.get returns the object", async () => {
      await cf.kv.namespaces.values.update("meta-json", {
        account_id,
        namespace_id,
        value: "m",
        metadata: JSON.stringify({ owner: "sdk", n: 1, nested: { x: [1, 2] } }),
      });
      const md = await cf.kv.namespaces.metadata.get("meta-json", { account_id, namespace_id });
      assert.deepEqual(md, { owner: "sdk", n: 1, nested: { x: [1, 2] } });
      const [k] = await api.listKeys(namespace_id, "meta-json");
      assert.deepEqual(k.metadata, { owner: "sdk", n: 1, nested: { x: [1, 2] } });
    });

    it("values.update with metadata as an object (bracket notation on the wire) does not fail", async (t) => {
      await cf.kv.namespaces.values.update("meta-obj", { account_id, namespace_id, value: "o", metadata: { owner: "sdk", n: 1 } });
      const res = await cf.kv.namespaces.values.get("meta-obj", { account_id, namespace_id });
      assert.equal(await res.text(), "o");
      const md = await cf.kv.namespaces.metadata.get("meta-obj", { account_id, namespace_id });
      t.diagnostic(`metadata stored from bracket-notation fields: ${JSON.stringify(md)}`);
      // acceptable: rebuilt (string leaves) or ignored; never the literal field names as keys of garbage
      if (md !== null && md !== undefined) assert.deepEqual(md, { owner: "sdk", n: "1" });
    });

    it("metadata.get of a key without metadata -> null", async () => {
      const md = await cf.kv.namespaces.metadata.get("str", { account_id, namespace_id });
      assert.ok(md === null || md === undefined, JSON.stringify(md));
    });

    it("values.update with expiration_ttl; values.get header `expiration`", async () => {
      const t0 = now();
      await cf.kv.namespaces.values.update("ttl", { account_id, namespace_id, value: "t", expiration_ttl: 3600 });
      const res = await cf.kv.namespaces.values.get("ttl", { account_id, namespace_id });
      assert.equal(await res.text(), "t");
      const exp = Number(res.headers.get("expiration"));
      assert.ok(Math.abs(exp - (t0 + 3600)) <= 120, `expiration header ${res.headers.get("expiration")}`);
    });

    it("values.update with expiration (absolute)", async () => {
      await cf.kv.namespaces.values.update("exp", { account_id, namespace_id, value: "e", expiration: 4102444800, metadata: JSON.stringify({ e: true }) });
      const res = await cf.kv.namespaces.values.get("exp", { account_id, namespace_id });
      assert.equal(await res.text(), "e");
      assert.equal(res.headers.get("expiration"), "4102444800");
      const [k] = await api.listKeys(namespace_id, "exp");
      assert.equal(k.expiration, 4102444800);
      assert.deepEqual(k.metadata, { e: true });
    });

    it("values.update with a key full of special characters", async () => {
      const key = "dir/a b?&#%é😀";
      await cf.kv.namespaces.values.update(key, { account_id, namespace_id, value: "special" });
      assert.equal(await (await cf.kv.namespaces.values.get(key, { account_id, namespace_id })).text(), "special");
      assert.ok((await api.listKeys(namespace_id, "dir/")).some((k) => k.name === key));
    });

    it("values.get of a missing key -> NotFoundError 404", async () => {
      const e = await rejects(cf.kv.namespaces.values.get("nope", { account_id, namespace_id }), NotFoundError);
      assert.equal(e.status, 404);
    });

    it("values.delete removes the key", async () => {
      const r = await cf.kv.namespaces.values.delete("str", { account_id, namespace_id });
      assert.ok(r === null || typeof r === "object");
      await rejects(cf.kv.namespaces.values.get("str", { account_id, namespace_id }), NotFoundError);
      assert.equal((await api.getValue(namespace_id, "str")).status, 404);
    });
  });

  describe("keys.list and bulk", () => {
    let namespace_id;
    const names = Array.from({ length: 2500 }, (_, i) => `key-${String(i).padStart(5, "0")}`);
    before(async () => {
      namespace_id = (await cf.kv.namespaces.create({ account_id, title: "sdk-bulk" })).id;
    });

    it("bulkUpdate 2,500 keys in 3 calls", async () => {
      for (let i = 0; i < names.length; i += 1000) {
        const r = await cf.kv.namespaces.bulkUpdate(namespace_id, {
          account_id,
          body: names.slice(i, i + 1000).map((key) => ({ key, value: key })),
        });
        assert.equal(r.successful_key_count, Math.min(1000, names.length - i));
        assert.deepEqual(r.unsuccessful_keys ?? [], []);
      }
      assert.equal((await api.listKeys(namespace_id)).length, 2500);
    });

    it("keys.list for-await over 2,500 keys with limit 1000", async () => {
      const seen = [];
      for await (const k of cf.kv.namespaces.keys.list(namespace_id, { account_id, limit: 1000 })) seen.push(k.name);
      assert.deepEqual(seen, names);
      const page1 = await cf.kv.namespaces.keys.list(namespace_id, { account_id, limit: 1000 });
      assert.equal(page1.result.length, 1000);
      assert.ok(page1.result_info?.cursor, "first page must carry a cursor");
    });

    it("keys.list for-await with a prefix", async () => {
      const seen = [];
      for await (const k of cf.kv.namespaces.keys.list(namespace_id, { account_id, prefix: "key-01", limit: 10 })) seen.push(k.name);
      assert.deepEqual(seen, names.filter((n) => n.startsWith("key-01")));
      assert.equal(seen.length, 1000);
    });

    it("bulkUpdate with base64, metadata, expiration_ttl and expiration", async () => {
      const t0 = now();
      const r = await cf.kv.namespaces.bulkUpdate(namespace_id, {
        account_id,
        body: [
          { key: "b-text", value: "plain" },
          { key: "b-b64", value: BIN.toString("base64"), base64: true },
          { key: "b-json", value: JSON.stringify({ a: 1, b: [true, null] }), metadata: { tag: "json" } },
          { key: "b-ttl", value: "soon", expiration_ttl: 3600 },
          { key: "b-exp", value: "later", expiration: 4102444800, metadata: { n: 3 } },
        ],
      });
      assert.equal(r.successful_key_count, 5);
      assert.ok((await api.getValue(namespace_id, "b-b64")).bytes.equals(BIN));
      const keys = Object.fromEntries((await api.listKeys(namespace_id, "b-")).map((k) => [k.name, k]));
      assert.deepEqual(keys["b-json"].metadata, { tag: "json" });
      assert.ok(Math.abs(keys["b-ttl"].expiration - (t0 + 3600)) <= 120);
      assert.equal(keys["b-exp"].expiration, 4102444800);
      assert.deepEqual(keys["b-exp"].metadata, { n: 3 });
    });

    it("bulkGet as text (missing -> null)", async () => {
      const r = await cf.kv.namespaces.bulkGet(namespace_id, { account_id, keys: ["b-text", "b-json", "b-missing"] });
      assert.deepEqual(r, { values: { "b-text": "plain", "b-json": '{"a":1,"b":[true,null]}', "b-missing": null } });
    });

    it("bulkGet type json", async () => {
      const r = await cf.kv.namespaces.bulkGet(namespace_id, { account_id, keys: ["b-json", "b-missing"], type: "json" });
      assert.deepEqual(r, { values: { "b-json": { a: 1, b: [true, null] }, "b-missing": null } });
    });

    it("bulkGet withMetadata (text and json)", async () => {
      const r = await cf.kv.namespaces.bulkGet(namespace_id, { account_id, keys: ["b-text", "b-exp", "b-missing"], withMetadata: true });
      assert.deepEqual(r.values["b-text"], { value: "plain", metadata: null });
      assert.equal(r.values["b-exp"].value, "later");
      assert.deepEqual(r.values["b-exp"].metadata, { n: 3 });
      if ("expiration" in r.values["b-exp"]) assert.equal(r.values["b-exp"].expiration, 4102444800);
      assert.equal(r.values["b-missing"], null);
      const j = await cf.kv.namespaces.bulkGet(namespace_id, { account_id, keys: ["b-json"], type: "json", withMetadata: true });
      assert.deepEqual(j.values["b-json"], { value: { a: 1, b: [true, null] }, metadata: { tag: "json" } });
    });

    it("bulkDelete (POST /bulk/delete) removes the keys", async () => {
      const r = await cf.kv.namespaces.bulkDelete(namespace_id, { account_id, body: ["b-text", "b-b64", "b-missing"] });
      assert.ok(r.successful_key_count >= 2, JSON.stringify(r));
      const left = (await api.listKeys(namespace_id, "b-")).map((k) => k.name);
      assert.deepEqual(left, ["b-exp", "b-json", "b-ttl"]);
    });

    it("deprecated keys.bulkUpdate / keys.bulkGet / keys.bulkDelete", async () => {
      const u = await cf.kv.namespaces.keys.bulkUpdate(namespace_id, { account_id, body: [{ key: "old-1", value: "one" }, { key: "old-2", value: "two" }] });
      assert.equal(u.successful_key_count, 2);
      const g = await cf.kv.namespaces.keys.bulkGet(namespace_id, { account_id, keys: ["old-1", "old-2"] });
      assert.deepEqual(g, { values: { "old-1": "one", "old-2": "two" } });
      const d = await cf.kv.namespaces.keys.bulkDelete(namespace_id, { account_id, body: ["old-1", "old-2"] });
      assert.equal(d.successful_key_count, 2);
      assert.deepEqual((await api.listKeys(namespace_id, "old-")), []);
    });
  });

  describe("validation (docs/kv-semantics.md §13/§15) as the SDK sees it", () => {
    let namespace_id;
    before(async () => {
      namespace_id = (await cf.kv.namespaces.create({ account_id, title: "sdk-validation" })).id;
    });

    it("empty string value round-trips as \"\" (not missing)", async () => {
      await cf.kv.namespaces.values.update("empty", { account_id, namespace_id, value: "" });
      const res = await cf.kv.namespaces.values.get("empty", { account_id, namespace_id });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), "");
    });

    it("expiration_ttl 30 -> BadRequestError 400 (TTL must be at least 60)", async () => {
      const e = await rejects(cf.kv.namespaces.values.update("ttl30", { account_id, namespace_id, value: "v", expiration_ttl: 30 }), BadRequestError);
      assert.equal(e.status, 400);
      assert.match(JSON.stringify(e.errors), /60/);
      const e2 = await rejects(cf.kv.namespaces.values.update("past", { account_id, namespace_id, value: "v", expiration: 1000 }), BadRequestError);
      assert.equal(e2.status, 400);
      await rejects(cf.kv.namespaces.values.get("ttl30", { account_id, namespace_id }), NotFoundError);
    });

    it("key of 513 bytes -> 414; 512 bytes -> OK", async () => {
      await cf.kv.namespaces.values.update("k".repeat(512), { account_id, namespace_id, value: "ok" });
      try {
        await cf.kv.namespaces.values.update("k".repeat(513), { account_id, namespace_id, value: "v" });
        assert.fail("513-byte key was accepted");
      } catch (e) {
        assert.equal(e.status, 414, e.message);
      }
    });

    it("metadata over 1024 bytes -> 413", async () => {
      try {
        await cf.kv.namespaces.values.update("bigmeta", { account_id, namespace_id, value: "v", metadata: JSON.stringify({ key: "x".repeat(1020) }) });
        assert.fail("1033-byte metadata was accepted");
      } catch (e) {
        assert.equal(e.status, 413, e.message);
      }
    });

    it("keys.list limit 5 and 1001 -> BadRequestError 400; limit 10 -> 10 keys and a cursor", async () => {
      await cf.kv.namespaces.bulkUpdate(namespace_id, { account_id, body: Array.from({ length: 15 }, (_, i) => ({ key: `l${String(i).padStart(2, "0")}`, value: "x" })) });
      for (const limit of [5, 1001]) {
        const e = await rejects(cf.kv.namespaces.keys.list(namespace_id, { account_id, limit }), BadRequestError);
        assert.equal(e.status, 400);
      }
      const page = await cf.kv.namespaces.keys.list(namespace_id, { account_id, limit: 10, prefix: "l" });
      assert.equal(page.result.length, 10);
      assert.ok(page.result_info.cursor);
    });

    it("bulkGet of 101 keys -> BadRequestError 400; 100 keys -> OK", async () => {
      const keys = Array.from({ length: 101 }, (_, i) => `bk${i}`);
      await rejects(cf.kv.namespaces.bulkGet(namespace_id, { account_id, keys }), BadRequestError);
      const r = await cf.kv.namespaces.bulkGet(namespace_id, { account_id, keys: keys.slice(0, 100) });
      assert.equal(Object.keys(r.values).length, 100);
    });

    it("bulkGet type json over a non-JSON value -> BadRequestError 400", async () => {
      await cf.kv.namespaces.values.update("not-json", { account_id, namespace_id, value: "{oops" });
      await rejects(cf.kv.namespaces.bulkGet(namespace_id, { account_id, keys: ["not-json"], type: "json" }), BadRequestError);
    });
  });

  describe("errors", () => {
    it("unknown namespace -> NotFoundError 404 with code 10013 in the body", async () => {
      const ghost = "0123456789abcdef0123456789abcdef";
      for (const call of [
        () => cf.kv.namespaces.get(ghost, { account_id }),
        () => cf.kv.namespaces.keys.list(ghost, { account_id }),
        () => cf.kv.namespaces.values.update("k", { account_id, namespace_id: ghost, value: "v" }),
        () => cf.kv.namespaces.values.get("k", { account_id, namespace_id: ghost }),
      ]) {
        const e = await rejects(call(), NotFoundError);
        assert.equal(e.status, 404);
        assert.equal(e.errors?.[0]?.code, 10013, JSON.stringify(e.error));
        assert.equal(e.error?.success, false);
      }
    });

    it("missing key -> NotFoundError 404 (code 10009)", async () => {
      const ns = await cf.kv.namespaces.create({ account_id, title: "sdk-errors" });
      const e = await rejects(cf.kv.namespaces.values.get("missing", { account_id, namespace_id: ns.id }), NotFoundError);
      assert.equal(e.status, 404);
      assert.equal(e.errors?.[0]?.code, 10009, JSON.stringify(e.error));
    });

    it("wrong token -> AuthenticationError 401", async () => {
      const bad = new Cloudflare({ baseURL: server.baseUrl, apiToken: "not-the-token", maxRetries: 0 });
      const e = await rejects(bad.kv.namespaces.list({ account_id }), AuthenticationError);
      assert.equal(e.status, 401);
      const e2 = await rejects(bad.kv.namespaces.values.get("k", { account_id, namespace_id: "0123456789abcdef0123456789abcdef" }), AuthenticationError);
      assert.equal(e2.status, 401);
    });
  });
});
