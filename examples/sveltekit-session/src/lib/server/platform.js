// The three KV clients of a request, built over the bindings SvelteKit hands over in
// `event.platform.env` (on Cloudflare: the Worker's env; in `vite dev`: wrangler's getPlatformProxy).
import { CacheClient } from "./cache.js";
import { RateLimiterClient } from "./rate-limiter.js";
import { SessionCacheClient } from "./session-cache.js";

/** @param {App.Platform | undefined} platform */
export function kvClients(platform) {
  const env = platform?.env;
  if (!env?.AUTH_SESSION_KV || !env?.CACHE_KV) {
    throw new Error(
      "the AUTH_SESSION_KV and CACHE_KV bindings are missing from platform.env: run the app with " +
        "adapter-cloudflare (vite dev uses wrangler.jsonc through getPlatformProxy)",
    );
  }
  return {
    sessions: new SessionCacheClient(env.AUTH_SESSION_KV),
    loginLimiter: new RateLimiterClient(env.AUTH_SESSION_KV, { limit: 5, windowSeconds: 900, prefix: "rl:login:" }),
    cache: new CacheClient(env.CACHE_KV),
  };
}

/**
 * The client IP: Cloudflare's CF-Connecting-IP (set by Cloudflare on every request it proxies),
 * else the socket address SvelteKit reports.
 * @param {import("@sveltejs/kit").RequestEvent} event
 */
export function clientIp(event) {
  return event.request.headers.get("cf-connecting-ip") ?? event.getClientAddress();
}

export const SESSION_COOKIE = "session";
