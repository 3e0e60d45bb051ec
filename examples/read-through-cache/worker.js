// A Worker that serves slow "origin" data through a KV read-through cache.
//   GET /quote/{id}  -> the quote (X-Cache: HIT|MISS); the origin is only asked on a miss.
//                       When KV fails the quote still comes from the origin: X-Cache: BYPASS if
//                       the KV read failed, MISS if only storing it failed, and X-Cache-Error
//                       carries the KV error (e.g. "KV GET failed: 503 Service Unavailable").
//   GET /stats       -> {"originCalls": n} since this isolate started
// Binding: CACHE (kvNamespace).
import { getOrSet } from "./cache.js";

const TTL_SECONDS = 300;

// Counts calls to the origin (module state lives as long as the isolate).
let originCalls = 0;

/** Stand-in for an expensive upstream call (an API, a database, ...). */
async function fetchQuoteFromOrigin(id) {
  originCalls++;
  await new Promise((r) => setTimeout(r, 20));
  return { id, text: `Quote #${id}: cache invalidation is hard.`, fetchedAt: new Date().toISOString() };
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    const m = /^\/quote\/([A-Za-z0-9_-]{1,64})$/.exec(pathname);
    if (request.method === "GET" && m) {
      const id = m[1];
      const key = `cache:quote:${id}`;
      const { value, hit, bypassed, kvError } = await getOrSet(env.CACHE, key, TTL_SECONDS, () => fetchQuoteFromOrigin(id));
      const headers = { "X-Cache": hit ? "HIT" : bypassed ? "BYPASS" : "MISS" };
      if (kvError) {
        console.warn(`read-through-cache: ${key}: ${kvError}; served from the origin`);
        headers["X-Cache-Error"] = kvError;
      }
      return Response.json(value, { headers });
    }
    if (request.method === "GET" && pathname === "/stats") {
      return Response.json({ originCalls });
    }
    return Response.json({ error: "not found" }, { status: 404 });
  },
};
