// wrangler 4.86.0 (the real, installed CLI) against a real flarekv server.
// Every check looks at what wrangler printed AND at what the server holds (plain REST via fetch).
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startProxy } from "../lib/proxy.mjs";
import { rest } from "../lib/rest.mjs";
import { startServer } from "../lib/server.mjs";
import { TRANSCRIPT, parseJsonOutput, wrangler, wranglerSandbox } from "../lib/wrangler.mjs";

let server;
let proxy;
let api;
let sb;

const now = () => Math.floor(Date.now() / 1000);
const BIN = Buffer.concat([
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i)),
]);

/** run wrangler with the suite's defaults */
function w(args, extra = {}) {
  return wrangler(args, { server, proxy, sandbox: sb, ...extra });
}

function assertOk(r, what = "") {
  assert.equal(r.code, 0, `wrangler ${what} exited ${r.code}\n--- output ---\n${r.out}`);
}

/** the requests wrangler sent during r, as "METHOD /path?query" with the account prefix shortened */
function reqs(r) {
  return r.requests.map((q) => `${q.method} ${q.url.replace(/^.*\/storage\/kv\/namespaces/, "{A}")}`);
}

describe("wrangler 4.86.0 against flarekv", { timeout: 20 * 60_000 }, () => {
  before(async () => {
    server = await startServer();
    proxy = await startProxy(server);
    api = rest(server);
    sb = await wranglerSandbox();
    writeFileSync(TRANSCRIPT, `# wrangler transcript (${new Date().toISOString()})\n# server: ${server.baseUrl} (requests go through a recording proxy)\n\n`);
  }, { timeout: 16 * 60_000 });

  after(async () => {
    await proxy?.stop();
    await server?.stop();
    if (!process.env.FLAREKV_E2E_KEEP) await sb?.remove();
  });

  describe("kv namespace", () => {
    let nsId;

    it("create prints the success message and a config snippet with the new id", async () => {
      const r = await w(["kv", "namespace", "create", "e2e-ns-a"]);
      assertOk(r, "namespace create");
      assert.match(r.out, /Success!/);
      const m = /"id":\s*"([^"]+)"/.exec(r.out) ?? /id\s*=\s*"([^"]+)"/.exec(r.out);
      assert.ok(m, `no id in output:\n${r.out}`);
      nsId = m[1];
      assert.match(nsId, /^[0-9a-f]{32}$/);
      assert.deepEqual(reqs(r), ["POST {A}"]);
      const got = await api.getNamespace(nsId);
      assert.equal(got.status, 200, got.text);
      assert.equal(got.json.result.title, "e2e-ns-a");
      assert.equal(got.json.result.id, nsId);
    });

    it("create with a taken title prints the friendly 10014 message and exits 1", async () => {
      const r = await w(["kv", "namespace", "create", "e2e-ns-a"]);
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /A KV namespace with the title "e2e-ns-a" already exists\./);
      const all = await api.listNamespaces();
      assert.equal(all.filter((n) => n.title === "e2e-ns-a").length, 1);
    });

    it("list prints every namespace as JSON, sorted by title, and stops on the empty page", async () => {
      await api.createNamespace("e2e-ns-0-first");
      await api.createNamespace("e2e-ns-z-last");
      const r = await w(["kv", "namespace", "list"]);
      assertOk(r, "namespace list");
      const listed = parseJsonOutput(r.stdout);
      const fromApi = await api.listNamespaces();
      assert.deepEqual(
        listed.map((n) => n.id).sort(),
        fromApi.map((n) => n.id).sort(),
      );
      const titles = listed.map((n) => n.title);
      assert.deepEqual(titles, [...titles].sort());
      assert.ok(titles.includes("e2e-ns-a"));
      const rq = reqs(r);
      assert.ok(rq.length >= 2 && rq.length <= 3, rq.join("\n"));
      assert.match(rq[rq.length - 1], /page=2/);
    });

    it("rename --namespace-id X --new-name N", async () => {
      const r = await w(["kv", "namespace", "rename", "--namespace-id", nsId, "--new-name", "e2e-ns-b"]);
      assertOk(r, "namespace rename --namespace-id");
      assert.match(r.out, /Successfully renamed namespace to "e2e-ns-b"/);
      const got = await api.getNamespace(nsId);
      assert.equal(got.json.result.title, "e2e-ns-b");
    });

    it("rename OLD-TITLE --new-name N (lookup by title)", async () => {
      const r = await w(["kv", "namespace", "rename", "e2e-ns-b", "--new-name", "e2e-ns-c"]);
      assertOk(r, "namespace rename <old>");
      assert.match(r.out, /Successfully renamed namespace to "e2e-ns-c"/);
      assert.deepEqual(reqs(r).map((x) => x.split("?")[0]), ["GET {A}", `PUT {A}/${nsId}`]);
      const got = await api.getNamespace(nsId);
      assert.equal(got.json.result.title, "e2e-ns-c");
      assert.equal(got.json.result.id, nsId);
    });

    it("delete --namespace-id X -y", async () => {
      const r = await w(["kv", "namespace", "delete", "--namespace-id", nsId, "-y"]);
      assertOk(r, "namespace delete --namespace-id");
      assert.match(r.out, new RegExp(`Deleted KV namespace id: "${nsId}"\\.`));
      const got = await api.getNamespace(nsId);
      assert.equal(got.status, 404, got.text);
      assert.equal(got.json?.success, false);
      assert.equal(got.json?.errors?.[0]?.code, 10013, got.text);
    });

    it("delete TITLE -y (lookup by title)", async () => {
      const ns = await api.createNamespace("e2e-del-by-title");
      const r = await w(["kv", "namespace", "delete", "e2e-del-by-title", "-y"]);
      assertOk(r, "namespace delete <title>");
      assert.match(r.out, new RegExp(`Deleted KV namespace name: "e2e-del-by-title" \\(id: "${ns.id}"\\)\\.`));
      assert.equal((await api.getNamespace(ns.id)).status, 404);
      assert.ok(!(await api.listNamespaces()).some((n) => n.title === "e2e-del-by-title"));
    });
  });

  describe("kv key --remote", () => {
    let ns;
    const binPath = () => join(sb.cwd, "blob.bin");

    before(async () => {
      ns = (await api.createNamespace("e2e-keys")).id;
      writeFileSync(binPath(), BIN);
    });

    it("put with a plain value", async () => {
      const r = await w(["kv", "key", "put", "greeting", "hello world", "--namespace-id", ns, "--remote"]);
      assertOk(r, "key put");
      assert.match(r.out, new RegExp(`Writing the value "hello world" to key "greeting" on namespace id: "${ns}"\\.`));
      assert.deepEqual(reqs(r), [`PUT {A}/${ns}/values/greeting`]);
      const v = await api.getValue(ns, "greeting");
      assert.equal(v.status, 200);
      assert.equal(v.text, "hello world");
    });

    it("put --ttl 3600 stores an expiration about now+3600", async () => {
      const t0 = now();
      const r = await w(["kv", "key", "put", "ttl-key", "short-lived", "--ttl", "3600", "--namespace-id", ns, "--remote"]);
      assertOk(r, "key put --ttl");
      assert.match(r.out, /Writing the value "short-lived" to key "ttl-key"/);
      assert.deepEqual(reqs(r), [`PUT {A}/${ns}/values/ttl-key?expiration_ttl=3600`]);
      const keys = await api.listKeys(ns, "ttl-key");
      assert.equal(keys.length, 1);
      assert.ok(Math.abs(keys[0].expiration - (t0 + 3600)) <= 120, `expiration ${keys[0].expiration} vs ${t0 + 3600}`);
      const v = await api.getValue(ns, "ttl-key");
      assert.equal(v.text, "short-lived");
      assert.equal(Number(v.headers.get("expiration")), keys[0].expiration, "GET values/{key} must carry the expiration header");
    });

    it("put --expiration 4102444800 stores that absolute expiration", async () => {
      const r = await w(["kv", "key", "put", "exp-key", "until-2100", "--expiration", "4102444800", "--namespace-id", ns, "--remote"]);
      assertOk(r, "key put --expiration");
      assert.deepEqual(reqs(r), [`PUT {A}/${ns}/values/exp-key?expiration=4102444800`]);
      const keys = await api.listKeys(ns, "exp-key");
      assert.equal(keys[0].expiration, 4102444800);
      assert.equal((await api.getValue(ns, "exp-key")).text, "until-2100");
    });

    it("put --metadata (multipart value + metadata parts)", async () => {
      const r = await w(["kv", "key", "put", "meta-key", "with-meta", "--metadata", '{"owner":"me","n":1}', "--ttl", "7200", "--namespace-id", ns, "--remote"]);
      assertOk(r, "key put --metadata");
      assert.match(r.out, /Writing the value "with-meta" to key "meta-key" on namespace id: "[0-9a-f]+" with metadata "\{"owner":"me","n":1\}"\./);
      assert.match(r.requests[0].contentType ?? "", /^multipart\/form-data/);
      assert.equal((await api.getValue(ns, "meta-key")).text, "with-meta");
      const md = await api.getMetadata(ns, "meta-key");
      assert.equal(md.status, 200, md.text);
      assert.deepEqual(md.json.result, { owner: "me", n: 1 });
      const [k] = await api.listKeys(ns, "meta-key");
      assert.deepEqual(k.metadata, { owner: "me", n: 1 });
      assert.ok(k.expiration > now() + 7000);
    });

    it("put --path with a binary file (bytes 0..255) stores the exact bytes", async () => {
      const r = await w(["kv", "key", "put", "bin-key", "--path", binPath(), "--namespace-id", ns, "--remote"]);
      assertOk(r, "key put --path");
      assert.match(r.out, /Writing the contents of .*blob\.bin to the key "bin-key"/);
      assert.equal(r.requests[0].contentType, null, "wrangler sends the file with no content-type");
      const v = await api.getValue(ns, "bin-key");
      assert.equal(v.status, 200);
      assert.ok(v.bytes.equals(BIN), `stored ${v.bytes.length} bytes differ from the file`);
    });

    it("put --path --metadata (multipart file part) stores the exact bytes and metadata", async () => {
      const r = await w(["kv", "key", "put", "bin-meta-key", "--path", binPath(), "--metadata", '{"kind":"blob"}', "--namespace-id", ns, "--remote"]);
      assertOk(r, "key put --path --metadata");
      assert.match(r.requests[0].contentType ?? "", /^multipart\/form-data/);
      const v = await api.getValue(ns, "bin-meta-key");
      assert.ok(v.bytes.equals(BIN), `stored ${v.bytes.length} bytes differ from the file`);
      assert.deepEqual((await api.getMetadata(ns, "bin-meta-key")).json.result, { kind: "blob" });
    });

    it("put --ttl 30 is refused by the server (TTL must be at least 60): exit 1, nothing stored", async () => {
      const r = await w(["kv", "key", "put", "ttl-too-short", "v", "--ttl", "30", "--namespace-id", ns, "--remote"]);
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /A request to the Cloudflare API .* failed/);
      assert.match(r.out, /expiration_ttl.*60|60.*expiration_ttl/i);
      assert.equal((await api.getValue(ns, "ttl-too-short")).status, 404);
    });

    it("get writes the raw bytes to stdout, identical to the file", async () => {
      const r = await w(["kv", "key", "get", "bin-key", "--namespace-id", ns, "--remote"]);
      assertOk(r, "key get (binary)");
      assert.ok(r.stdoutBytes.equals(BIN), `stdout has ${r.stdoutBytes.length} bytes, expected the 512 file bytes exactly`);
    });

    it("get --text prints the value and a newline", async () => {
      const r = await w(["kv", "key", "get", "greeting", "--text", "--namespace-id", ns, "--remote"]);
      assertOk(r, "key get --text");
      assert.equal(r.stdout, "hello world\n");
    });

    it("get of a missing key fails with 404 and exit 1", async () => {
      const r = await w(["kv", "key", "get", "no-such-key", "--namespace-id", ns, "--remote"]);
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /404/);
    });

    const SPECIAL = [
      "unicode-ключ-😀-é",
      "with space",
      "dir/sub/file.txt",
      "what?x=1",
      "100%",
      "a&b",
      "hash#tag",
      "dir/sub key?&#%.txt",
    ];

    it("put/get/list/delete keys with unicode, spaces, / ? % & #", async () => {
      for (const [i, key] of SPECIAL.entries()) {
        const r = await w(["kv", "key", "put", key, `value-${i}`, "--namespace-id", ns, "--remote"]);
        assertOk(r, `key put ${key}`);
        assert.ok(r.out.includes(`to key "${key}"`), r.out);
        assert.deepEqual(reqs(r), [`PUT {A}/${ns}/values/${encodeURIComponent(key)}`]);
      }
      // the server stores exactly these names
      const names = (await api.listKeys(ns)).map((k) => k.name);
      for (const key of SPECIAL) assert.ok(names.includes(key), `server key list lacks ${JSON.stringify(key)}: ${JSON.stringify(names)}`);
      for (const [i, key] of SPECIAL.entries()) {
        const v = await api.getValue(ns, key);
        assert.equal(v.status, 200, `REST GET ${key}: ${v.text}`);
        assert.equal(v.text, `value-${i}`);
      }
      // wrangler reads them back
      for (const key of ["dir/sub key?&#%.txt", "unicode-ключ-😀-é"]) {
        const r = await w(["kv", "key", "get", key, "--text", "--namespace-id", ns, "--remote"]);
        assertOk(r, `key get ${key}`);
        assert.equal(r.stdout, `value-${SPECIAL.indexOf(key)}\n`);
      }
      // and deletes one
      const d = await w(["kv", "key", "delete", "dir/sub key?&#%.txt", "--namespace-id", ns, "--remote"]);
      assertOk(d, "key delete special");
      assert.equal((await api.getValue(ns, "dir/sub key?&#%.txt")).status, 404);
      assert.equal((await api.getValue(ns, "dir/sub/file.txt")).status, 200);
    });

    it("list prints all keys (with expiration and metadata) and --prefix filters", async () => {
      const r = await w(["kv", "key", "list", "--namespace-id", ns, "--remote"]);
      assertOk(r, "key list");
      const listed = parseJsonOutput(r.stdout);
      const fromApi = await api.listKeys(ns);
      assert.deepEqual(listed, fromApi);
      const meta = listed.find((k) => k.name === "meta-key");
      assert.deepEqual(meta.metadata, { owner: "me", n: 1 });
      assert.equal(listed.find((k) => k.name === "exp-key").expiration, 4102444800);
      assert.deepEqual(Object.keys(listed.find((k) => k.name === "greeting")), ["name"]);

      const p = await w(["kv", "key", "list", "--prefix", "dir/", "--namespace-id", ns, "--remote"]);
      assertOk(p, "key list --prefix");
      assert.deepEqual(parseJsonOutput(p.stdout).map((k) => k.name), ["dir/sub/file.txt"]);
      assert.match(reqs(p)[0], /keys\?prefix=dir%2F/);
    });

    it("delete removes the key", async () => {
      const r = await w(["kv", "key", "delete", "greeting", "--namespace-id", ns, "--remote"]);
      assertOk(r, "key delete");
      assert.match(r.out, new RegExp(`Deleting the key "greeting" on namespace id: "${ns}"\\.`));
      assert.deepEqual(reqs(r), [`DELETE {A}/${ns}/values/greeting`]);
      const v = await api.getValue(ns, "greeting");
      assert.equal(v.status, 404);
      assert.ok(!(await api.listKeys(ns)).some((k) => k.name === "greeting"));
    });

    it("list over 2,600 keys follows the cursor across pages", async () => {
      const big = (await api.createNamespace("e2e-many-keys")).id;
      const names = Array.from({ length: 2600 }, (_, i) => `k${String(i).padStart(5, "0")}`);
      for (let i = 0; i < names.length; i += 1000) {
        await api.bulkPut(big, names.slice(i, i + 1000).map((key) => ({ key, value: key })));
      }
      const r = await w(["kv", "key", "list", "--namespace-id", big, "--remote"]);
      assertOk(r, "key list (2600)");
      const listed = parseJsonOutput(r.stdout).map((k) => k.name);
      assert.equal(listed.length, 2600);
      assert.deepEqual(listed, names);
      const rq = reqs(r);
      assert.ok(rq.length >= 3, `expected >= 3 pages, got:\n${rq.join("\n")}`);
      assert.ok(rq.slice(1).every((x) => /cursor=/.test(x)), rq.join("\n"));

      const p = await w(["kv", "key", "list", "--prefix", "k01", "--namespace-id", big, "--remote"]);
      assertOk(p, "key list --prefix (2600)");
      assert.deepEqual(parseJsonOutput(p.stdout).map((k) => k.name), names.filter((n) => n.startsWith("k01")));
    });
  });

  describe("kv bulk --remote", () => {
    let ns;
    const items = [];
    before(async () => {
      ns = (await api.createNamespace("e2e-bulk")).id;
      items.push(
        { key: "bulk-b64", value: BIN.toString("base64"), base64: true },
        { key: "bulk-ttl", value: "t", expiration_ttl: 3600 },
        { key: "bulk-exp", value: "e", expiration: 4102444800 },
        { key: "bulk-meta", value: "m", metadata: { owner: "bulk", n: 2 } },
        { key: "bulk-all", value: Buffer.from("all of it").toString("base64"), base64: true, expiration_ttl: 7200, metadata: { a: [1, 2] } },
      );
      for (let i = 0; i < 1000; i++) items.push({ key: `bulk-${String(i).padStart(4, "0")}`, value: `v${i}` });
      writeFileSync(join(sb.cwd, "bulk.json"), JSON.stringify(items));
    });

    it("bulk put of 1,005 items (base64, expiration_ttl, expiration, metadata) in 2 requests", async () => {
      const t0 = now();
      const r = await w(["kv", "bulk", "put", "bulk.json", "--namespace-id", ns, "--remote"]);
      assertOk(r, "bulk put");
      assert.match(r.out, /Success!/);
      assert.deepEqual(reqs(r), [`PUT {A}/${ns}/bulk`, `PUT {A}/${ns}/bulk`]);
      const keys = await api.listKeys(ns);
      assert.equal(keys.length, 1005);
      const byName = Object.fromEntries(keys.map((k) => [k.name, k]));
      assert.ok((await api.getValue(ns, "bulk-b64")).bytes.equals(BIN), "base64 item must be stored decoded");
      assert.equal((await api.getValue(ns, "bulk-all")).text, "all of it");
      assert.ok(Math.abs(byName["bulk-ttl"].expiration - (t0 + 3600)) <= 120, JSON.stringify(byName["bulk-ttl"]));
      assert.equal(byName["bulk-exp"].expiration, 4102444800);
      assert.deepEqual(byName["bulk-meta"].metadata, { owner: "bulk", n: 2 });
      assert.deepEqual(byName["bulk-all"].metadata, { a: [1, 2] });
      assert.ok(Math.abs(byName["bulk-all"].expiration - (t0 + 7200)) <= 120);
      assert.equal((await api.getValue(ns, "bulk-0999")).text, "v999");
    });

    it("bulk get prints result.values (missing key -> null)", async () => {
      writeFileSync(join(sb.cwd, "get.json"), JSON.stringify(["bulk-0001", "bulk-meta", { name: "bulk-exp" }, "bulk-missing"]));
      const r = await w(["kv", "bulk", "get", "get.json", "--namespace-id", ns, "--remote"]);
      assertOk(r, "bulk get");
      assert.match(r.out, /Success!/);
      assert.deepEqual(reqs(r), [`POST {A}/${ns}/bulk/get`]);
      assert.deepEqual(parseJsonOutput(r.stdout), { "bulk-0001": "v1", "bulk-meta": "m", "bulk-exp": "e", "bulk-missing": null });
    });

    it("bulk delete (strings and {name} items) removes the keys", async () => {
      const del = items.map((it, i) => (i % 2 ? it.key : { name: it.key }));
      writeFileSync(join(sb.cwd, "del.json"), JSON.stringify(del));
      const r = await w(["kv", "bulk", "delete", "del.json", "--force", "--namespace-id", ns, "--remote"]);
      assertOk(r, "bulk delete");
      assert.match(r.out, /Success!/);
      assert.ok(reqs(r).length >= 1 && reqs(r).every((x) => x === `DELETE {A}/${ns}/bulk`), reqs(r).join("\n"));
      assert.deepEqual(await api.listKeys(ns), []);
      assert.equal((await api.getValue(ns, "bulk-b64")).status, 404);
    });
  });

  describe("--binding from the config file in the cwd", () => {
    it("wrangler.toml: key put/get/list/delete and bulk put/get/delete by binding", async () => {
      const ns = (await api.createNamespace("e2e-toml")).id;
      const cwd = join(sb.root, "toml-project");
      mkdirSync(cwd, { recursive: true });
      writeFileSync(
        join(cwd, "wrangler.toml"),
        `name = "e2e-toml"\ncompatibility_date = "2025-01-01"\n\n[[kv_namespaces]]\nbinding = "TOML_KV"\nid = "${ns}"\n`,
      );
      const put = await w(["kv", "key", "put", "tk", "toml-value", "--binding", "TOML_KV", "--remote"], { cwd });
      assertOk(put, "key put --binding (toml)");
      assert.match(put.out, new RegExp(`Writing the value "toml-value" to key "tk" on namespace binding: "TOML_KV" \\(id: "${ns}"\\)|on namespace id: "${ns}"`));
      assert.equal((await api.getValue(ns, "tk")).text, "toml-value");

      const get = await w(["kv", "key", "get", "tk", "--text", "--binding", "TOML_KV", "--remote"], { cwd });
      assertOk(get, "key get --binding (toml)");
      assert.equal(get.stdout, "toml-value\n");

      writeFileSync(join(cwd, "b.json"), JSON.stringify([{ key: "tb1", value: "one" }, { key: "tb2", value: "two" }]));
      const bput = await w(["kv", "bulk", "put", "b.json", "--binding", "TOML_KV", "--remote"], { cwd });
      assertOk(bput, "bulk put --binding (toml)");
      const list = await w(["kv", "key", "list", "--binding", "TOML_KV", "--remote"], { cwd });
      assertOk(list, "key list --binding (toml)");
      assert.deepEqual(parseJsonOutput(list.stdout).map((k) => k.name), ["tb1", "tb2", "tk"]);

      writeFileSync(join(cwd, "k.json"), JSON.stringify(["tb1", "tb2"]));
      const bget = await w(["kv", "bulk", "get", "k.json", "--binding", "TOML_KV", "--remote"], { cwd });
      assertOk(bget, "bulk get --binding (toml)");
      assert.deepEqual(parseJsonOutput(bget.stdout), { tb1: "one", tb2: "two" });

      const bdel = await w(["kv", "bulk", "delete", "k.json", "--force", "--binding", "TOML_KV", "--remote"], { cwd });
      assertOk(bdel, "bulk delete --binding (toml)");
      const kdel = await w(["kv", "key", "delete", "tk", "--binding", "TOML_KV", "--remote"], { cwd });
      assertOk(kdel, "key delete --binding (toml)");
      assert.deepEqual(await api.listKeys(ns), []);
    });

    it("wrangler.json: key put/get and namespace delete by binding", async () => {
      const ns = (await api.createNamespace("e2e-json")).id;
      const cwd = join(sb.root, "json-project");
      mkdirSync(cwd, { recursive: true });
      writeFileSync(
        join(cwd, "wrangler.json"),
        JSON.stringify({ name: "e2e-json", compatibility_date: "2025-01-01", kv_namespaces: [{ binding: "JSON_KV", id: ns }] }, null, 2),
      );
      const put = await w(["kv", "key", "put", "jk", "json-value", "--binding", "JSON_KV", "--remote"], { cwd });
      assertOk(put, "key put --binding (json)");
      assert.equal((await api.getValue(ns, "jk")).text, "json-value");
      const get = await w(["kv", "key", "get", "jk", "--text", "--binding", "JSON_KV", "--remote"], { cwd });
      assertOk(get, "key get --binding (json)");
      assert.equal(get.stdout, "json-value\n");

      const del = await w(["kv", "namespace", "delete", "--binding", "JSON_KV", "-y"], { cwd });
      assertOk(del, "namespace delete --binding (json)");
      assert.match(del.out, /Deleted KV namespace/);
      assert.equal((await api.getNamespace(ns)).status, 404);
    });
  });

  describe("account discovery and auth", () => {
    it("without CLOUDFLARE_ACCOUNT_ID wrangler asks /memberships and uses that account", async () => {
      const fresh = await wranglerSandbox();
      const cwd = fresh.cwd;
      const ns = (await api.createNamespace("e2e-discovery")).id;
      const r = await wrangler(["kv", "namespace", "list"], { server, proxy, sandbox: fresh, accountId: null, cwd });
      assertOk(r, "namespace list (discovery)");
      assert.ok(r.requests.some((q) => q.url.startsWith("/client/v4/memberships")), reqs(r).join("\n"));
      assert.ok(r.requests.some((q) => q.url.includes(`/accounts/${server.accountId}/storage/kv/namespaces`)), reqs(r).join("\n"));
      assert.ok(parseJsonOutput(r.stdout).some((n) => n.id === ns));

      const p = await wrangler(["kv", "key", "put", "found-me", "yes", "--namespace-id", ns, "--remote"], { server, proxy, sandbox: fresh, accountId: null, cwd });
      assertOk(p, "key put (discovery)");
      assert.equal((await api.getValue(ns, "found-me")).text, "yes");
      // the discovered account was cached (wrangler-account.json) and reused: no second /memberships
      assert.ok(!p.requests.some((q) => q.url.includes("/memberships")), reqs(p).join("\n"));
      assert.ok(p.requests.some((q) => q.url.includes(`/accounts/${server.accountId}/`)), reqs(p).join("\n"));
      if (!process.env.FLAREKV_E2E_KEEP) await fresh.remove();
    });

    it("a wrong token makes wrangler fail (exit 1) with the server's 401", async () => {
      const r = await w(["kv", "namespace", "list"], { env: { CLOUDFLARE_API_TOKEN: "wrong-token" } });
      assert.equal(r.code, 1, r.out);
      assert.ok(r.requests.some((q) => q.status === 401), reqs(r).join("\n"));
    });
  });
});
