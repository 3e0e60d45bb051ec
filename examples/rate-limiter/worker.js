// Fixed-window login rate limiter on Workers KV: at most 5 attempts per client IP per 15-minute
// window. One key per IP, `rl:login:{ip}`, holding {"window": <window start, s>, "count": n}; the key
// expires when its window ends (at least 60 s ahead, the KV minimum), so idle IPs cost nothing.
//   POST /login   (client IP from CF-Connecting-IP, else the first X-Forwarded-For entry)
//     -> 200 {"ok": true, "remaining": n}                while under the limit
//     -> 429 {"error": "...", "retryAfter": s} + Retry-After once 5 attempts were used
//     -> 429 {"error": "...", "retryAfter": 1} + Retry-After: 1 when KV refuses the counter write
//        (at most one write per second to a key: a burst from one IP meets it)
//     -> 503 {"error": "...", "retryAfter": 30} + Retry-After when KV fails otherwise (an outage,
//        a daily quota used up)
// Binding: RATE_LIMIT (kvNamespace).
//
// KV is eventually consistent across locations and allows one write per second per key, so this
// limiter is approximate under concurrent bursts; that is the usual trade-off for KV limiters.
// When KV cannot count an attempt the limiter fails closed: an attempt that is not counted is not
// let through to the credential check, otherwise a burst (the very thing KV refuses) would get
// uncounted guesses. See README.md, "Production realism".

const LIMIT = 5;
const WINDOW_SECONDS = 15 * 60;
const MIN_EXPIRATION_AHEAD = 60;
// KV checks the 60 s minimum against its own clock when the write arrives, which is later than the
// `nowSeconds` this attempt was counted at (a second may tick over during the read before the
// write): near the window end, the key lives a few seconds more than the minimum rather than being
// refused.
const EXPIRATION_SLACK = 5;
const KV_RETRY_AFTER_SECONDS = 1;
const KV_OUTAGE_RETRY_AFTER_SECONDS = 30;

/** Thrown when KV refused or failed the counter read or write; `status` is the client answer. */
class CounterUnavailable extends Error {
  constructor(cause) {
    // "KV PUT failed: 429 Too Many Requests" is the per-key write rate: retry in a second. A daily
    // quota ("429 KV put() limit exceeded for the day.") or a 5xx is an outage: retry much later.
    const message = String(cause?.message);
    const rateLimited = /\b429\b/.test(message) && !/limit exceeded/i.test(message);
    super(rateLimited ? "too many login attempts, slow down" : "login temporarily unavailable, try again later");
    this.status = rateLimited ? 429 : 503;
    this.retryAfter = rateLimited ? KV_RETRY_AFTER_SECONDS : KV_OUTAGE_RETRY_AFTER_SECONDS;
    this.cause = cause;
  }
}

function clientIp(request) {
  return (
    request.headers.get("CF-Connecting-IP") ??
    request.headers.get("X-Forwarded-For")?.split(",")[0].trim() ??
    "unknown"
  );
}

/** Count one attempt for `id`; returns {allowed, remaining, retryAfter}. */
async function hit(kv, id, nowSeconds = Math.floor(Date.now() / 1000)) {
  const key = `rl:login:${id}`;
  const window = Math.floor(nowSeconds / WINDOW_SECONDS) * WINDOW_SECONDS;
  const windowEnd = window + WINDOW_SECONDS;
  let stored;
  try {
    stored = await kv.get(key, "json");
  } catch (e) {
    throw new CounterUnavailable(e);
  }
  const count = stored && stored.window === window ? stored.count : 0;
  if (count >= LIMIT) {
    return { allowed: false, remaining: 0, retryAfter: windowEnd - nowSeconds };
  }
  try {
    // on Cloudflare (and flarekv --limits free|paid) a second write to this key within a second
    // throws "KV PUT failed: 429 Too Many Requests"
    await kv.put(key, JSON.stringify({ window, count: count + 1 }), {
      expiration: Math.max(
        windowEnd,
        nowSeconds + MIN_EXPIRATION_AHEAD,
        Math.floor(Date.now() / 1000) + MIN_EXPIRATION_AHEAD + EXPIRATION_SLACK,
      ),
    });
  } catch (e) {
    throw new CounterUnavailable(e);
  }
  return { allowed: true, remaining: LIMIT - count - 1, retryAfter: 0 };
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (request.method === "POST" && pathname === "/login") {
      let r;
      try {
        r = await hit(env.RATE_LIMIT, clientIp(request));
      } catch (e) {
        if (!(e instanceof CounterUnavailable)) throw e;
        console.warn(`rate-limiter: ${e.cause?.message}; answering ${e.status}`);
        return Response.json(
          { error: e.message, retryAfter: e.retryAfter },
          { status: e.status, headers: { "Retry-After": String(e.retryAfter) } },
        );
      }
      if (!r.allowed) {
        return Response.json(
          { error: "too many login attempts, try again later", retryAfter: r.retryAfter },
          { status: 429, headers: { "Retry-After": String(r.retryAfter) } },
        );
      }
      // ... check the credentials here ...
      return Response.json({ ok: true, remaining: r.remaining });
    }
    return Response.json({ error: "not found" }, { status: 404 });
  },
};
