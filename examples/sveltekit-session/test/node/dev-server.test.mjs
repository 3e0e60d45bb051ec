// The app's dev server against a real flarekv: `vite dev` (SvelteKit, adapter-cloudflare's
// platform proxy = wrangler getPlatformProxy with the `flarekv` environment) answers a login /
// session / logout round trip, refuses the 6th login of a window with 429, and serves the
// read-through cache; flarekv's REST API shows the keys with their expirations.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { rest } from "../../../../e2e/lib/rest.mjs";
import { startServer, writeWranglerConfig } from "../support/flarekv.mjs";
import { startViteDev } from "./vite-dev.mjs";

const now = () => Math.floor(Date.now() / 1000);

let server;
let config;
let vite;
let api;
const ns = {};

async function call(method, path, { body, cookie, ip = "203.0.113.10" } = {}) {
  const headers = { "cf-connecting-ip": ip };
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(vite.origin + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
}

async function namespaceId(title) {
  const found = (await api.listNamespaces()).find((n) => n.title === title);
  assert.ok(found, `no namespace titled ${title} on flarekv (the plugin creates it on first use)`);
  return found.id;
}

describe("sveltekit-session: vite dev through getPlatformProxy against flarekv", { timeout: 10 * 60_000 }, () => {
  before(async () => {
    server = await startServer();
    api = rest(server);
    config = await writeWranglerConfig(server.bindingAddress);
    vite = await startViteDev({ FLAREKV_WRANGLER_CONFIG: config.path, FLAREKV_API_TOKEN: server.token });
    // the first request makes adapter-cloudflare call getPlatformProxy (the plugin checks flarekv then)
    const deadline = Date.now() + 120_000;
    for (;;) {
      const res = await fetch(vite.origin + "/").catch((e) => ({ status: String(e) }));
      if (res.status === 200) break;
      if (Date.now() > deadline) throw new Error(`GET / never answered 200 (last: ${res.status})\n${vite.output()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    vite.remember();
  }, { timeout: 16 * 60_000 });

  after(async () => {
    try {
      const leftovers = vite ? await vite.stop() : [];
      assert.deepEqual(leftovers, [], "processes outlived vite dev and were killed");
    } finally {
      await config?.remove();
      await server?.stop();
    }
  });

  it("login -> session -> logout; the session key lives in flarekv with a one-hour expiration", async () => {
    assert.equal((await call("GET", "/session")).status, 401);

    const t0 = now();
    const login = await call("POST", "/login", { body: { user: "alice", password: "wonderland" }, ip: "203.0.113.1" });
    assert.equal(login.status, 200, login.text);
    assert.deepEqual(login.json, { user: "alice", expiresIn: 3600 });
    const m = /^session=([0-9a-f]{64});/.exec(login.headers.get("set-cookie") ?? "");
    assert.ok(m, `session cookie: ${login.headers.get("set-cookie")}`);
    const token = m[1];
    const cookie = `session=${token}`;

    const me = await call("GET", "/session", { cookie });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.user, "alice");

    ns.sessions = await namespaceId("AUTH_SESSION_KV");
    const stored = await api.getValue(ns.sessions, `session:${token}`);
    assert.equal(stored.status, 200);
    assert.equal(JSON.parse(stored.text).user, "alice");
    const [key] = (await api.listKeys(ns.sessions, `session:${token}`)).filter((k) => k.name === `session:${token}`);
    assert.ok(key?.expiration, `session key has an expiration: ${JSON.stringify(key)}`);
    assert.ok(key.expiration >= t0 + 3600 && key.expiration <= now() + 3600, `expiration ${key.expiration}, t0 ${t0}`);

    const out = await call("POST", "/logout", { cookie });
    assert.equal(out.status, 204);
    assert.equal((await call("GET", "/session", { cookie })).status, 401);
    assert.equal((await api.getValue(ns.sessions, `session:${token}`)).status, 404);
  });

  it("a session written over flarekv's REST API is read by the app", async () => {
    ns.sessions ??= await namespaceId("AUTH_SESSION_KV");
    const token = "5e".repeat(32);
    await api.putValue(ns.sessions, `session:${token}`, JSON.stringify({ user: "rest-writer", createdAt: "t", lastSeenAt: "t" }), "?expiration_ttl=600");
    const me = await call("GET", "/session", { cookie: `session=${token}` });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.user, "rest-writer");
  });

  it("6 failed logins from one IP: five 401, then 429 with Retry-After; rl:login:{ip} expires with the window", async () => {
    const ip = "198.51.100.66";
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await call("POST", "/login", { body: { user: "alice", password: `guess${i}` }, ip })).status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401]);
    const sixth = await call("POST", "/login", { body: { user: "alice", password: "wonderland" }, ip });
    assert.equal(sixth.status, 429, sixth.text);
    const retryAfter = Number(sixth.headers.get("retry-after"));
    assert.ok(retryAfter > 0 && retryAfter <= 900, `Retry-After ${retryAfter}`);
    assert.equal(sixth.json.retryAfter, retryAfter);
    assert.equal(sixth.headers.get("set-cookie"), null);

    ns.sessions ??= await namespaceId("AUTH_SESSION_KV");
    const counter = await api.getValue(ns.sessions, `rl:login:${ip}`);
    assert.equal(counter.status, 200);
    assert.equal(JSON.parse(counter.text).count, 5);
    const [key] = (await api.listKeys(ns.sessions, `rl:login:${ip}`)).filter((k) => k.name === `rl:login:${ip}`);
    const windowEnd = JSON.parse(counter.text).window + 900;
    assert.ok(key?.expiration, `rate-limit key has an expiration: ${JSON.stringify(key)}`);
    assert.ok(key.expiration >= windowEnd && key.expiration <= Math.max(windowEnd, now() + 65) /* the KV minimum plus 5 s of slack for the request */, `expiration ${key.expiration}, window end ${windowEnd}`);

    // another client IP still logs in
    assert.equal((await call("POST", "/login", { body: { user: "alice", password: "wonderland" }, ip: "198.51.100.67" })).status, 200);
  });

  it("GET /quotes/{id} goes through the read-through cache in CACHE_KV", async () => {
    const first = await call("GET", "/quotes/dev-1");
    assert.equal(first.status, 200, first.text);
    assert.equal(first.headers.get("x-cache"), "MISS");
    const second = await call("GET", "/quotes/dev-1");
    assert.equal(second.headers.get("x-cache"), "HIT");
    assert.deepEqual(second.json, first.json);

    const cacheNs = await namespaceId("CACHE_KV");
    const stored = await api.getValue(cacheNs, "cache:quote:dev-1");
    assert.deepEqual(JSON.parse(stored.text), first.json);
    const [key] = (await api.listKeys(cacheNs, "cache:quote:dev-1")).filter((k) => k.name === "cache:quote:dev-1");
    assert.ok(key?.expiration > now() + 250, `cache key expiration ${key?.expiration}`);
  });
});
