import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RateLimiterClient } from "$lib/server/rate-limiter.js";
import { flarekvRest, listEntry, nowSeconds, uniqueId } from "./support/kv.js";

const limiter = () => new RateLimiterClient(env.AUTH_SESSION_KV);

describe("RateLimiterClient (5 attempts per 900 s, rl:login:{ip}) over AUTH_SESSION_KV", () => {
  it("allows 5 attempts, refuses the 6th with retry-after, and does not count the refusal", async () => {
    const rl = limiter();
    const ip = uniqueId("203.0.113.7");
    const now = nowSeconds();
    const { end } = rl.window(now);

    const remaining = [];
    for (let i = 0; i < 5; i++) {
      const r = await rl.hit(ip, now);
      expect(r.allowed).toBe(true);
      remaining.push(r.remaining);
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0]);

    const sixth = await rl.hit(ip, now);
    expect(sixth).toEqual({ allowed: false, remaining: 0, retryAfter: end - now, resetAt: end });
    expect(sixth.retryAfter).toBeGreaterThan(0);
    expect(sixth.retryAfter).toBeLessThanOrEqual(900);
    expect(await env.AUTH_SESSION_KV.get(`rl:login:${ip}`, "json")).toEqual({ window: end - 900, count: 5 });
  });

  it("the counter key expires with its window (read from the key's expiration, over the binding and REST)", async () => {
    const rl = limiter();
    const ip = uniqueId("198.51.100.1");
    // a window that ends well ahead of the real clock, so the rule "expire at the window end" applies
    const now = rl.window(nowSeconds()).end + 100;
    const { end } = rl.window(now);
    await rl.hit(ip, now);

    expect((await listEntry(env.AUTH_SESSION_KV, `rl:login:${ip}`)).expiration).toBe(end);
    const rest = flarekvRest();
    const entry = await rest.keyEntry(await rest.namespaceId("AUTH_SESSION_KV"), `rl:login:${ip}`);
    expect(entry.expiration).toBe(end);
  });

  it("near the window end the key still lives the KV minimum of 60 s", async () => {
    const rl = limiter();
    const ip = uniqueId("198.51.100.2");
    const nextEnd = rl.window(nowSeconds()).end + 900;
    const now = nextEnd - 10;
    await rl.hit(ip, now);
    expect((await listEntry(env.AUTH_SESSION_KV, `rl:login:${ip}`)).expiration).toBe(now + 60);
  });

  it("a new window starts from zero; ids are counted apart", async () => {
    const rl = limiter();
    const ip = uniqueId("192.0.2.1");
    const other = uniqueId("192.0.2.2");
    const now = nowSeconds();
    for (let i = 0; i < 5; i++) await rl.hit(ip, now);
    expect((await rl.hit(ip, now)).allowed).toBe(false);
    expect((await rl.hit(other, now)).remaining).toBe(4);

    const next = rl.window(now).end;
    expect(await rl.hit(ip, next)).toMatchObject({ allowed: true, remaining: 4 });
  });

  it("an attempt counted a few seconds ago near the window end is still written (KV's 60 s minimum is by its own clock)", async () => {
    // a 30 s window always ends less than 60 s ahead, so the key gets the KV minimum; the attempt
    // was counted 3 s ago (a slow request): a minimum taken from that `now` would be refused with
    // "Expiration times must be at least 60 seconds in the future"
    const rl = new RateLimiterClient(env.AUTH_SESSION_KV, { windowSeconds: 30 });
    const ip = uniqueId("192.0.2.9");
    const before = nowSeconds();
    expect((await rl.hit(ip, before - 3)).allowed).toBe(true);
    const expiration = (await listEntry(env.AUTH_SESSION_KV, `rl:login:${ip}`)).expiration;
    expect(expiration).toBeGreaterThanOrEqual(before + 60);
    expect(expiration).toBeLessThanOrEqual(nowSeconds() + 65);
  });

  it("reset forgets the attempts", async () => {
    const rl = limiter();
    const ip = uniqueId("192.0.2.3");
    const now = nowSeconds();
    for (let i = 0; i < 5; i++) await rl.hit(ip, now);
    await rl.reset(ip);
    expect(await listEntry(env.AUTH_SESSION_KV, `rl:login:${ip}`)).toBeNull();
    expect((await rl.hit(ip, now)).allowed).toBe(true);
  });
});
