import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SessionCacheClient } from "$lib/server/session-cache.js";
import { flarekvRest, listEntry, nowSeconds, uniqueId } from "./support/kv.js";

const sessions = () => new SessionCacheClient(env.AUTH_SESSION_KV);

describe("SessionCacheClient over AUTH_SESSION_KV", () => {
  it("create stores session:{token} with expirationTtl 3600 and get reads it back", async () => {
    const client = sessions();
    const user = uniqueId("user");
    const before = nowSeconds();
    const { token, session, expiresIn } = await client.create({ user, role: "admin" });

    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(expiresIn).toBe(3600);
    expect(await client.get(token)).toEqual(session);
    expect(session).toMatchObject({ user, role: "admin" });

    const entry = await listEntry(env.AUTH_SESSION_KV, `session:${token}`);
    expect(entry).not.toBeNull();
    expect(entry.expiration).toBeGreaterThanOrEqual(before + 3600);
    expect(entry.expiration).toBeLessThanOrEqual(nowSeconds() + 3600);
  });

  it("the session is stored in flarekv (read back over its REST API, with its expiration)", async () => {
    const { token } = await sessions().create({ user: uniqueId("rest") });
    const rest = flarekvRest();
    const nsId = await rest.namespaceId("AUTH_SESSION_KV");
    const value = await rest.value(nsId, `session:${token}`);
    expect(value.status).toBe(200);
    expect(JSON.parse(value.text).user).toMatch(/^rest-/);
    const key = await rest.keyEntry(nsId, `session:${token}`);
    expect(key.expiration).toBeGreaterThan(nowSeconds() + 3500);
  });

  it("touch renews the expiry to a full hour and keeps the data", async () => {
    const client = sessions();
    const token = "a".repeat(48) + crypto.randomUUID().replaceAll("-", "").slice(0, 16);
    const key = `session:${token}`;
    await env.AUTH_SESSION_KV.put(key, JSON.stringify({ user: "bob", createdAt: "x", lastSeenAt: "x" }), {
      expirationTtl: 120,
    });
    expect((await listEntry(env.AUTH_SESSION_KV, key)).expiration).toBeLessThanOrEqual(nowSeconds() + 120);

    const before = nowSeconds();
    const touched = await client.touch(token);
    expect(touched).toMatchObject({ user: "bob", createdAt: "x" });
    expect(touched.lastSeenAt).not.toBe("x");
    expect((await listEntry(env.AUTH_SESSION_KV, key)).expiration).toBeGreaterThanOrEqual(before + 3600);
  });

  it("touch of a missing session returns null and does not create it", async () => {
    const client = sessions();
    const token = "b".repeat(64);
    await client.destroy(token);
    expect(await client.touch(token)).toBeNull();
    expect(await listEntry(env.AUTH_SESSION_KV, `session:${token}`)).toBeNull();
  });

  it("destroy deletes the key; the token no longer reads", async () => {
    const client = sessions();
    const { token } = await client.create({ user: uniqueId("gone") });
    await client.destroy(token);
    expect(await client.get(token)).toBeNull();
    expect(await listEntry(env.AUTH_SESSION_KV, `session:${token}`)).toBeNull();
  });

  it("a malformed token reads as no session and never reaches another key", async () => {
    const client = sessions();
    await env.AUTH_SESSION_KV.put("session:short", JSON.stringify({ user: "x" }), { expirationTtl: 60 });
    for (const bad of [undefined, null, "", "short", "../x", "A".repeat(64), "a".repeat(65)]) {
      expect(await client.get(bad)).toBeNull();
    }
    await client.destroy("short");
    expect(await env.AUTH_SESSION_KV.get("session:short")).not.toBeNull();
  });

  it("rejects a TTL under the KV minimum of 60 s", () => {
    expect(() => new SessionCacheClient(env.AUTH_SESSION_KV, { ttlSeconds: 30 })).toThrow(/at least 60/);
  });
});
