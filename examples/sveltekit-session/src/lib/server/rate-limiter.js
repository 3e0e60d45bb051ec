// Fixed-window rate limiter on Workers KV: at most `limit` attempts per id per `windowSeconds`
// window (default 5 per 900 s). One key per id, `rl:login:{id}`, holding
// {"window": <window start, epoch seconds>, "count": n}; the key expires when its window ends (at
// least 60 s ahead, the KV minimum), so an idle id costs nothing.
//
// KV is eventually consistent across locations and allows about one write per second per key, so
// the limit is approximate under concurrent bursts: the usual trade-off of a KV limiter.

const MIN_EXPIRATION_AHEAD = 60;
// KV checks the 60 s minimum against its own clock when the write arrives, which is later than the
// `now` this attempt was counted at (a second may tick over during the read before the write): near
// the window end, the key lives a few seconds more than the minimum rather than being refused.
const EXPIRATION_SLACK = 5;

export class RateLimiterClient {
  /**
   * @param {KVNamespace} kv
   * @param {{ limit?: number, windowSeconds?: number, prefix?: string }} [options]
   */
  constructor(kv, { limit = 5, windowSeconds = 900, prefix = "rl:login:" } = {}) {
    if (!kv) throw new Error("RateLimiterClient needs a KV namespace binding");
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit must be a positive integer, got ${limit}`);
    if (!Number.isInteger(windowSeconds) || windowSeconds < 1) {
      throw new Error(`windowSeconds must be a positive integer, got ${windowSeconds}`);
    }
    this.kv = kv;
    this.limit = limit;
    this.windowSeconds = windowSeconds;
    this.prefix = prefix;
  }

  /** The KV key of an id (for a login limiter: the client IP). */
  key(id) {
    return `${this.prefix}${id}`;
  }

  /** Start and end (epoch seconds) of the window that holds `nowSeconds`. */
  window(nowSeconds) {
    const start = Math.floor(nowSeconds / this.windowSeconds) * this.windowSeconds;
    return { start, end: start + this.windowSeconds };
  }

  /**
   * Counts one attempt for `id`. A refused attempt is not counted.
   * @returns {Promise<{ allowed: boolean, remaining: number, retryAfter: number, resetAt: number }>}
   *   retryAfter: seconds until the window ends (0 when allowed); resetAt: the window end.
   */
  async hit(id, nowSeconds = Math.floor(Date.now() / 1000)) {
    const key = this.key(id);
    const { start, end } = this.window(nowSeconds);
    const stored = await this.kv.get(key, "json");
    const count = stored && stored.window === start ? stored.count : 0;
    if (count >= this.limit) {
      return { allowed: false, remaining: 0, retryAfter: Math.max(1, end - nowSeconds), resetAt: end };
    }
    const floor = Math.floor(Date.now() / 1000) + MIN_EXPIRATION_AHEAD + EXPIRATION_SLACK;
    await this.kv.put(key, JSON.stringify({ window: start, count: count + 1 }), {
      expiration: Math.max(end, nowSeconds + MIN_EXPIRATION_AHEAD, floor),
    });
    return { allowed: true, remaining: this.limit - count - 1, retryAfter: 0, resetAt: end };
  }

  /** Forgets the attempts of `id` (for example after an administrator unlocks it). */
  async reset(id) {
    await this.kv.delete(this.key(id));
  }
}
