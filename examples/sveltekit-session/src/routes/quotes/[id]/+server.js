// GET /quotes/{id} -> the quote, through the read-through cache in CACHE_KV (X-Cache: HIT | MISS);
// the origin is asked only on a miss, and the cached copy lives 300 s.
import { error, json } from "@sveltejs/kit";
import { kvClients } from "$lib/server/platform.js";
import { fetchQuoteFromOrigin } from "$lib/server/origin.js";

const TTL_SECONDS = 300;

/** @type {import("./$types").RequestHandler} */
export async function GET(event) {
  const { id } = event.params;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) error(400, "a quote id is 1 to 64 letters, digits, _ or -");
  const { cache } = kvClients(event.platform);
  const { value, hit } = await cache.getOrSet(`quote:${id}`, TTL_SECONDS, () => fetchQuoteFromOrigin(id));
  return json(value, { headers: { "X-Cache": hit ? "HIT" : "MISS" } });
}
