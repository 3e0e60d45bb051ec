// Read-through cache on Workers KV: getOrSet returns the cached JSON value of a key and calls the
// origin only on a miss, storing its result with an expiration.

const MIN_TTL_SECONDS = 60; // the KV minimum for expirationTtl

export class CacheClient {
  /**
   * @param {KVNamespace} kv the cache namespace (CACHE_KV)
   * @param {{ prefix?: string }} [options] prefix of every key this client writes
   */
  constructor(kv, { prefix = "cache:" } = {}) {
    if (!kv) throw new Error("CacheClient needs a KV namespace binding");
    this.kv = kv;
    this.prefix = prefix;
  }

  /** The KV key of a cache key. */
  key(key) {
    return `${this.prefix}${key}`;
  }

  /**
   * The cached value of `key`; on a miss, `await fetchFn()` once, store its result for `ttlSeconds`
   * (at least 60) and return it. A result of undefined is returned but not cached.
   * @template T
   * @param {string} key
   * @param {number} ttlSeconds
   * @param {() => Promise<T> | T} fetchFn
   * @returns {Promise<{ value: T, hit: boolean }>}
   */
  async getOrSet(key, ttlSeconds, fetchFn) {
    const cached = await this.kv.get(this.key(key), "json");
    if (cached !== null) return { value: cached, hit: true };
    const value = await fetchFn();
    if (value !== undefined) {
      await this.kv.put(this.key(key), JSON.stringify(value), {
        expirationTtl: Math.max(MIN_TTL_SECONDS, Math.ceil(ttlSeconds)),
      });
    }
    return { value, hit: false };
  }

  /** Drops the cached value of `key`, so the next getOrSet asks the origin again. */
  async invalidate(key) {
    await this.kv.delete(this.key(key));
  }
}
