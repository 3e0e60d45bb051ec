// Integration: the app's SvelteKit route handlers, called with a RequestEvent whose platform.env is
// the Worker env (as adapter-cloudflare passes it), over the flarekv namespaces.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { POST as login } from "../src/routes/login/+server.js";
import { POST as logout } from "../src/routes/logout/+server.js";
import { GET as quote } from "../src/routes/quotes/[id]/+server.js";
import { GET as session } from "../src/routes/session/+server.js";
import { flarekvRest, listEntry, nowSeconds, uniqueId } from "./support/kv.js";

/** A browser-like cookie jar and a RequestEvent factory over it. */
function client(ip = uniqueId("ip")) {
  const jar = new Map();
  const event = (method, path, { body, params = {} } = {}) => {
    const url = new URL(path, "https://app.example");
    const headers = { "cf-connecting-ip": ip };
    if (body !== undefined) headers["content-type"] = "application/json";
    return {
      request: new Request(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }),
      url,
      params,
      platform: { env },
      getClientAddress: () => "127.0.0.1",
      cookies: {
        get: (name) => jar.get(name),
        set: (name, value, opts) => {
          expect(opts.path).toBe("/");
          jar.set(name, value);
        },
        delete: (name) => jar.delete(name),
      },
    };
  };
  return { ip, jar, event };
}

describe("routes: login / session / logout over AUTH_SESSION_KV", () => {
  it("login creates a session and sets the cookie; /session reads it; /logout deletes it", async () => {
    const c = client();
    const res = await login(c.event("POST", "/login", { body: { user: "alice", password: "wonderland" } }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: "alice", expiresIn: 3600 });
    const token = c.jar.get("session");
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect((await listEntry(env.AUTH_SESSION_KV, `session:${token}`)).expiration).toBeGreaterThan(nowSeconds() + 3500);

    const me = await session(c.event("GET", "/session"));
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: "alice" });

    const out = await logout(c.event("POST", "/logout"));
    expect(out.status).toBe(204);
    expect(c.jar.has("session")).toBe(false);
    expect(await env.AUTH_SESSION_KV.get(`session:${token}`)).toBeNull();

    c.jar.set("session", token); // a stolen cookie is worthless after logout
    expect((await session(c.event("GET", "/session"))).status).toBe(401);
  });

  it("wrong credentials are 401 and create no session; a bad body is 400", async () => {
    const c = client();
    const res = await login(c.event("POST", "/login", { body: { user: "alice", password: "nope" } }));
    expect(res.status).toBe(401);
    expect(c.jar.size).toBe(0);
    const bad = await login({ ...c.event("POST", "/login"), request: new Request("https://app.example/login", { method: "POST", body: "{" }) });
    expect(bad.status).toBe(400);
  });

  it("the 6th login attempt from one IP in a window is refused with 429 and Retry-After", async () => {
    const c = client();
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await login(c.event("POST", "/login", { body: { user: "alice", password: `wrong${i}` } }))).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401]);

    // even the right password is refused now
    const sixth = await login(c.event("POST", "/login", { body: { user: "alice", password: "wonderland" } }));
    expect(sixth.status).toBe(429);
    const retryAfter = Number(sixth.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect((await sixth.json()).retryAfter).toBe(retryAfter);
    expect(c.jar.size).toBe(0);

    // another IP is not affected
    const other = client();
    expect((await login(other.event("POST", "/login", { body: { user: "alice", password: "wonderland" } }))).status).toBe(200);

    // the counter is in flarekv, expiring with the window
    const rest = flarekvRest();
    const entry = await rest.keyEntry(await rest.namespaceId("AUTH_SESSION_KV"), `rl:login:${c.ip}`);
    expect(entry.expiration).toBeGreaterThanOrEqual(nowSeconds() + Math.min(60, retryAfter));
    expect(entry.expiration).toBeLessThanOrEqual(nowSeconds() + Math.max(65, retryAfter)); // 5 s slack
  });
});

describe("routes: read-through cache over CACHE_KV", () => {
  it("GET /quotes/{id} asks the origin on the first read only", async () => {
    const c = client();
    const id = uniqueId("q");
    const first = await quote(c.event("GET", `/quotes/${id}`, { params: { id } }));
    expect(first.headers.get("x-cache")).toBe("MISS");
    const body = await first.json();
    expect(body).toMatchObject({ id });

    const second = await quote(c.event("GET", `/quotes/${id}`, { params: { id } }));
    expect(second.headers.get("x-cache")).toBe("HIT");
    expect(await second.json()).toEqual(body); // same fetchedAt: the origin was not asked again
    expect(await env.CACHE_KV.get(`cache:quote:${id}`, "json")).toEqual(body);
  });

  it("a malformed id is 400 and touches nothing", async () => {
    const c = client();
    await expect(quote(c.event("GET", "/quotes/x", { params: { id: "a/b" } }))).rejects.toMatchObject({ status: 400 });
  });
});
