// Read-through cache on Workers KV.
//
// getOrSet(kv, key, ttlSeconds, fetchFn): return the cached JSON value of `key`; on a miss call
// fetchFn() once, store its result with expirationTtl = ttlSeconds (KV minimum: 60) and return it.
// Resolves to {value, hit, bypassed, kvError}. A fetchFn result of undefined is not cached.
//
// KV is a cache here, never the source of truth, so a KV failure degrades to the origin instead of
// failing the request:
//   - the read fails (an outage, a 503, a daily quota used up): call fetchFn() and do not try to
//     store the result (the write would most likely fail too, and only add latency);
//   - the write fails (e.g. a 429: one write per second per key): the value is still returned.
// bypassed is true when the read failed (the cache was not consulted), and kvError is the KV
// error's message (null when KV worked), so callers can report both.
export async function getOrSet(kv, key, ttlSeconds, fetchFn) {
  let cached;
  try {
    cached = await kv.get(key, "json");
  } catch (e) {
    return { value: await fetchFn(), hit: false, bypassed: true, kvError: messageOf(e) };
  }
  if (cached !== null) return { value: cached, hit: true, bypassed: false, kvError: null };
  const value = await fetchFn();
  if (value !== undefined) {
    try {
      await kv.put(key, JSON.stringify(value), { expirationTtl: Math.max(60, ttlSeconds) });
    } catch (e) {
      return { value, hit: false, bypassed: false, kvError: messageOf(e) };
    }
  }
  return { value, hit: false, bypassed: false, kvError: null };
}

const messageOf = (e) => String(e?.message ?? e);
