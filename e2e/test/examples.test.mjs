// The example Workers in examples/ run on the real workerd against flarekv, each with the
// config.capnp shipped next to it (only its two addresses are rewritten to the test's ports).
// The server runs the way the examples' READMEs say: `--binding-namespace examples`, so the
// binding needs no X-Flarekv-Namespace header, and without an API token.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { REPO_ROOT, startServer } from "../lib/server.mjs";
import { restApi, startWorkerd } from "../lib/workerd.mjs";

const EXAMPLES = join(REPO_ROOT, "examples");
const now = () => Math.floor(Date.now() / 1000);

let server;
let api;

/** workerd running examples/<name>/config.capnp against this test's flarekv */
function startExample(name, modules) {
  const dir = join(EXAMPLES, name);
  return startWorkerd({
    modules: modules.map((m) => join(dir, m)),
    configFile: join(dir, "config.capnp"),
    rewrite(text, port) {
      assert.ok(text.includes('"127.0.0.1:8791"') && text.includes('"127.0.0.1:8080"'), `${name}/config.capnp changed shape`);
      return text.replace('"127.0.0.1:8791"', JSON.stringify(server.bindingAddress)).replace('"127.0.0.1:8080"', `"127.0.0.1:${port}"`);
    },
  });
}

/** The namespace created by --binding-namespace on first use. */
async function examplesNamespace() {
  const id = await api.findNamespace("examples");
  assert.ok(id, "no namespace titled 'examples' (created by --binding-namespace on first use)");
  return id;
}

describe("examples/ on workerd against flarekv", { timeout: 5 * 60_000 }, () => {
  before(async () => {
    server = await startServer({ token: null, extraArgs: ["--binding-namespace", "examples"] });
    api = restApi(server);
  }, { timeout: 16 * 60_000 });

  after(async () => {
    await server?.stop();
  });

  describe("session-cache", () => {
    let w;
    before(async () => {
      w = await startExample("session-cache", ["worker.js"]);
    });
    after(async () => {
      await w?.stop();
    });

    it("login stores session:{token} for an hour; /me reads it; logout deletes it; /me is then 401", async () => {
      assert.equal((await w.fetch("/me")).status, 401, "no token");
      assert.equal((await w.fetch("/me", { headers: { authorization: `Bearer ${"ab".repeat(32)}` } })).status, 401, "unknown token");

      const t0 = now();
      const login = await w.fetch("/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ user: "ada", role: "admin" }) });
      assert.equal(login.status, 201);
      const { token, expiresIn } = await login.json();
      assert.match(token, /^[0-9a-f]{64}$/);
      assert.equal(expiresIn, 3600);
      const auth = { authorization: `Bearer ${token}` };

      const me = await w.fetch("/me", { headers: auth });
      assert.equal(me.status, 200);
      const session = await me.json();
      assert.equal(session.user, "ada");
      assert.equal(session.role, "admin");
      assert.ok(!Number.isNaN(Date.parse(session.createdAt)));

      // what flarekv holds
      const ns = await examplesNamespace();
      const [entry] = await api.listKeys(ns, `session:${token}`);
      assert.equal(entry.name, `session:${token}`);
      assert.ok(entry.expiration >= t0 + 3600 && entry.expiration <= now() + 3600, `expiration ${entry.expiration}`);
      assert.deepEqual(JSON.parse((await api.getValue(ns, `session:${token}`)).text), session);

      const logout = await w.fetch("/logout", { method: "POST", headers: auth });
      assert.equal(logout.status, 204);
      assert.equal((await w.fetch("/me", { headers: auth })).status, 401);
      assert.equal((await api.getValue(ns, `session:${token}`)).status, 404);
    });

    it("two logins get independent sessions", async () => {
      const login = (user) =>
        w.fetch("/login", { method: "POST", body: JSON.stringify({ user }) }).then((r) => r.json());
      const a = await login("a");
      const b = await login("b");
      assert.notEqual(a.token, b.token);
      const me = (t) => w.fetch("/me", { headers: { authorization: `Bearer ${t}` } }).then((r) => r.json());
      assert.equal((await me(a.token)).user, "a");
      assert.equal((await me(b.token)).user, "b");
    });

    it("bad login body -> 400", async () => {
      assert.equal((await w.fetch("/login", { method: "POST", body: "not json" })).status, 400);
      assert.equal((await w.fetch("/login", { method: "POST", body: "{}" })).status, 400);
    });
  });

  describe("rate-limiter", () => {
    let w;
    before(async () => {
      w = await startExample("rate-limiter", ["worker.js"]);
    });
    after(async () => {
      await w?.stop();
    });

    const attempt = (headers) => w.fetch("/login", { method: "POST", headers });

    it("5 attempts per IP pass, the 6th is 429 with Retry-After; another IP still passes", async () => {
      // keep the 7 requests inside one 15-minute window
      const left = 900 - (now() % 900);
      if (left < 5) await new Promise((r) => setTimeout(r, (left + 1) * 1000));
      const ip = { "CF-Connecting-IP": "203.0.113.7" };
      for (let i = 1; i <= 5; i++) {
        const r = await attempt(ip);
        assert.equal(r.status, 200, `attempt ${i}`);
        assert.deepEqual(await r.json(), { ok: true, remaining: 5 - i });
      }
      const sixth = await attempt(ip);
      assert.equal(sixth.status, 429);
      const body = await sixth.json();
      const retry = Number(sixth.headers.get("retry-after"));
      assert.ok(retry > 0 && retry <= 900, `Retry-After ${retry}`);
      assert.equal(body.retryAfter, retry);
      assert.equal((await attempt(ip)).status, 429, "still limited");

      const other = await attempt({ "CF-Connecting-IP": "198.51.100.1" });
      assert.equal(other.status, 200);
      assert.deepEqual(await other.json(), { ok: true, remaining: 4 });
    });

    it("X-Forwarded-For (first entry) is used when CF-Connecting-IP is absent", async () => {
      const r = await attempt({ "X-Forwarded-For": "192.0.2.44, 10.0.0.1" });
      assert.equal(r.status, 200);
      assert.deepEqual(await r.json(), { ok: true, remaining: 4 });
    });

    it("the counter key rl:login:{ip} expires with its 15-minute window (and >= 60 s ahead)", async () => {
      const ns = await examplesNamespace();
      const [entry] = await api.listKeys(ns, "rl:login:203.0.113.7");
      assert.equal(entry.name, "rl:login:203.0.113.7");
      const { window, count } = JSON.parse((await api.getValue(ns, entry.name)).text);
      assert.equal(count, 5);
      assert.equal(window % 900, 0);
      // expiration = max(window end, write time + 60 + 5 s of slack for the request)
      assert.ok(
        entry.expiration === window + 900 || (entry.expiration > window + 900 && entry.expiration <= now() + 65),
        `expiration ${entry.expiration}, window ${window}..${window + 900}`,
      );
    });
  });

  describe("read-through-cache", () => {
    let w;
    before(async () => {
      w = await startExample("read-through-cache", ["worker.js", "cache.js"]);
    });
    after(async () => {
      await w?.stop();
    });

    const stats = () => w.fetch("/stats").then((r) => r.json());

    it("a miss calls the origin once and stores the value; a hit does not call it", async () => {
      assert.deepEqual(await stats(), { originCalls: 0 });

      const first = await w.fetch("/quote/42");
      assert.equal(first.status, 200);
      assert.equal(first.headers.get("x-cache"), "MISS");
      const v1 = await first.json();
      assert.equal(v1.id, "42");
      assert.deepEqual(await stats(), { originCalls: 1 });

      const second = await w.fetch("/quote/42");
      assert.equal(second.headers.get("x-cache"), "HIT");
      assert.deepEqual(await second.json(), v1, "the cached value, including the original fetchedAt");
      assert.deepEqual(await stats(), { originCalls: 1 }, "a hit must not call fetchFn");

      const other = await w.fetch("/quote/7");
      assert.equal(other.headers.get("x-cache"), "MISS");
      assert.deepEqual(await stats(), { originCalls: 2 });
    });

    it("the cached entry lives in flarekv with expirationTtl 300", async () => {
      const ns = await examplesNamespace();
      const [entry] = await api.listKeys(ns, "cache:quote:42");
      assert.equal(entry.name, "cache:quote:42");
      assert.ok(Math.abs(entry.expiration - (now() + 300)) <= 10, `expiration ${entry.expiration}`);
      assert.equal(JSON.parse((await api.getValue(ns, "cache:quote:42")).text).id, "42");
    });
  });
});
