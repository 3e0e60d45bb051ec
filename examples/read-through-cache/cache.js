// Read-through cache on Workers KV.
//
// getOrSet(kv, key, ttlSeconds, fetchFn): return the cached JSON value of `key`; on a miss call
// fetchFn() once, store its result with expirationTtl = ttlSeconds (KV minimum: 60) and return it.
// Resolves to {value, hit}. A fetchFn result of undefined is not cached.
export async function getOrSet(kv, key, ttlSeconds, fetchFn) {
  const cached = await kv.get(key, "json");
  if (cached !== null) return { value: cached, hit: true };
  const value = await fetchFn();
  if (value !== undefined) {
    await kv.put(key, JSON.stringify(value), { expirationTtl: Math.max(60, ttlSeconds) });
  }
  return { value, hit: false };
}
