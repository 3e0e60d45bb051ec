// Fixed-window login rate limiter on Workers KV: at most 5 attempts per client IP per 15-minute
// window. One key per IP, `rl:login:{ip}`, holding {"window": <window start, s>, "count": n}; the key
// expires when its window ends (at least 60 s ahead, the KV minimum), so idle IPs cost nothing.
//   POST /login   (client IP from CF-Connecting-IP, else the first X-Forwarded-For entry)
//     -> 200 {"ok": true, "remaining": n}                while under the limit
//     -> 429 {"error": "...", "retryAfter": s} + Retry-After once 5 attempts were used
// Binding: RATE_LIMIT (kvNamespace).
//
// KV is eventually consistent across locations and allows about one write per second per key, so
// this limiter is approximate under concurrent bursts; that is the usual trade-off for KV limiters.

const LIMIT = 5;
const WINDOW_SECONDS = 15 * 60;
const MIN_EXPIRATION_AHEAD = 60;

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
  const stored = await kv.get(key, "json");
  const count = stored && stored.window === window ? stored.count : 0;
  if (count >= LIMIT) {
    return { allowed: false, remaining: 0, retryAfter: windowEnd - nowSeconds };
  }
  await kv.put(key, JSON.stringify({ window, count: count + 1 }), {
    expiration: Math.max(windowEnd, nowSeconds + MIN_EXPIRATION_AHEAD),
  });
  return { allowed: true, remaining: LIMIT - count - 1, retryAfter: 0 };
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (request.method === "POST" && pathname === "/login") {
      const r = await hit(env.RATE_LIMIT, clientIp(request));
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
