import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CacheClient } from "$lib/server/cache.js";
import { flarekvRest, listEntry, nowSeconds, uniqueId } from "./support/kv.js";

/** An origin that counts its calls. */
function countingOrigin(value) {
  const origin = async () => {
    origin.calls++;
    return typeof value === "function" ? value(origin.calls) : value;
  };
  origin.calls = 0;
  return origin;
}

describe("CacheClient.getOrSet over CACHE_KV", () => {
  it("calls the origin on a miss only; a hit returns the stored value", async () => {
    const cache = new CacheClient(env.CACHE_KV);
    const key = uniqueId("quote");
    const origin = countingOrigin((n) => ({ text: "hello", call: n }));

    expect(await cache.getOrSet(key, 300, origin)).toEqual({ value: { text: "hello", call: 1 }, hit: false });
    expect(await cache.getOrSet(key, 300, origin)).toEqual({ value: { text: "hello", call: 1 }, hit: true });
    expect(await cache.getOrSet(key, 300, origin)).toEqual({ value: { text: "hello", call: 1 }, hit: true });
    expect(origin.calls).toBe(1);
  });

  it("stores the value under cache:{key} with the TTL as its expiration, in flarekv", async () => {
    const cache = new CacheClient(env.CACHE_KV);
    const key = uniqueId("ttl");
    const before = nowSeconds();
    await cache.getOrSet(key, 300, async () => ["a", 1]);

    const entry = await listEntry(env.CACHE_KV, `cache:${key}`);
    expect(entry.expiration).toBeGreaterThanOrEqual(before + 300);
    expect(entry.expiration).toBeLessThanOrEqual(nowSeconds() + 300);

    const rest = flarekvRest();
    const nsId = await rest.namespaceId("CACHE_KV");
    expect(await rest.value(nsId, `cache:${key}`)).toEqual({ status: 200, text: '["a",1]' });
  });

  it("raises a TTL under 60 s to the KV minimum", async () => {
    const cache = new CacheClient(env.CACHE_KV);
    const key = uniqueId("short");
    const before = nowSeconds();
    await cache.getOrSet(key, 5, async () => 1);
    expect((await listEntry(env.CACHE_KV, `cache:${key}`)).expiration).toBeGreaterThanOrEqual(before + 60);
  });

  it("does not cache undefined, and invalidate makes the next read a miss", async () => {
    const cache = new CacheClient(env.CACHE_KV);
    const key = uniqueId("undef");
    const nothing = countingOrigin(undefined);
    await cache.getOrSet(key, 300, nothing);
    await cache.getOrSet(key, 300, nothing);
    expect(nothing.calls).toBe(2);

    const origin = countingOrigin("v");
    await cache.getOrSet(key, 300, origin);
    await cache.invalidate(key);
    expect(await cache.getOrSet(key, 300, origin)).toEqual({ value: "v", hit: false });
    expect(origin.calls).toBe(2);
  });

  it("an origin failure is passed on and nothing is cached", async () => {
    const cache = new CacheClient(env.CACHE_KV);
    const key = uniqueId("fail");
    await expect(cache.getOrSet(key, 300, async () => Promise.reject(new Error("origin down")))).rejects.toThrow(
      "origin down",
    );
    expect(await listEntry(env.CACHE_KV, `cache:${key}`)).toBeNull();
  });
});
