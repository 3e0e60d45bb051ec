// The KV scenario every dev-loop tool runs against flarekv (e2e/test/dev-loop-*.test.mjs):
// wrangler dev, getPlatformProxy, vitest-pool-workers, the Vite plugin and programmatic Miniflare.
// One module for all of them:
//   - `scenarios[name].run(kv, p)` performs the KV calls on a binding (a Worker's env.KV, or the
//     Node-side proxy from getPlatformProxy / Miniflare#getBindings / Miniflare#getKVNamespace)
//     and returns a JSON-safe, deterministic result;
//   - `scenarios[name].want(p)` is the result Cloudflare KV gives for the same calls;
//   - the default export is a Worker: GET /<name>?p=<JSON params> answers
//     {ok: true, result} or {ok: false, error: {name, message}} (the message a Worker sees).
// `p.pre` prefixes every key so tools sharing one namespace never collide; `p.exp` is an absolute
// expiration (seconds) chosen by the caller; `p.now` the caller's clock (seconds).

/** JSON-safe view of what a binding returned (Map from bulk get, undefined from put/delete). */
export function plain(v) {
  if (v === undefined) return { $undefined: true };
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]));
  return v;
}

const near = (actual, expected) => typeof actual === "number" && Math.abs(actual - expected) <= 30;

/** Polls `read` every 100 ms until it gives a non-null value; throws after `ms`. */
async function poll(read, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`nothing appeared within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const scenarios = {
  // A write by the tool; the test reads it back over flarekv's REST API.
  write: {
    async run(kv, p) {
      const r = await kv.put(`${p.pre}written`, `written by ${p.tool}`, { metadata: { tool: p.tool }, expiration: p.exp });
      return plain(r);
    },
    want: () => ({ $undefined: true }),
  },
  // A write made over REST (value, metadata, expiration) before the tool reads it.
  "read-rest": {
    async run(kv, p) {
      const got = await kv.getWithMetadata(`${p.pre}from-rest`);
      const { keys } = await kv.list({ prefix: `${p.pre}from-rest` });
      return { got, keys };
    },
    want: (p) => ({
      got: { value: "written over REST", metadata: { via: "rest" }, cacheStatus: null },
      keys: [{ name: `${p.pre}from-rest`, expiration: p.exp, metadata: { via: "rest" } }],
    }),
  },
  getWithMetadata: {
    async run(kv, p) {
      await kv.put(`${p.pre}gwm`, "v", { metadata: { owner: p.tool, n: 1, s: "é" } });
      await kv.put(`${p.pre}gwm-plain`, "plain");
      return {
        found: await kv.getWithMetadata(`${p.pre}gwm`),
        noMetadata: await kv.getWithMetadata(`${p.pre}gwm-plain`, "text"),
        missing: await kv.getWithMetadata(`${p.pre}gwm-missing`),
      };
    },
    want: (p) => ({
      found: { value: "v", metadata: { owner: p.tool, n: 1, s: "é" }, cacheStatus: null },
      noMetadata: { value: "plain", metadata: null, cacheStatus: null },
      missing: { value: null, metadata: null, cacheStatus: null },
    }),
  },
  list: {
    async run(kv, p) {
      for (const [i, k] of ["a", "b", "c", "d", "e"].entries()) {
        await kv.put(`${p.pre}lst:${k}`, String(i), i === 0 ? { metadata: { first: true } } : undefined);
      }
      await kv.put(`${p.pre}lsu`, "outside the prefix");
      const pages = [];
      let cursor;
      for (let i = 0; i < 10; i++) {
        const page = await kv.list({ prefix: `${p.pre}lst:`, limit: 2, cursor });
        pages.push({ names: page.keys.map((k) => k.name), meta: page.keys.map((k) => k.metadata ?? null), complete: page.list_complete, hasCursor: typeof page.cursor === "string" && page.cursor.length > 0 });
        if (page.list_complete) break;
        cursor = page.cursor;
      }
      return pages;
    },
    want: (p) => [
      { names: [`${p.pre}lst:a`, `${p.pre}lst:b`], meta: [{ first: true }, null], complete: false, hasCursor: true },
      { names: [`${p.pre}lst:c`, `${p.pre}lst:d`], meta: [null, null], complete: false, hasCursor: true },
      { names: [`${p.pre}lst:e`], meta: [null], complete: true, hasCursor: false },
    ],
  },
  "bulk-get": {
    async run(kv, p) {
      await kv.put(`${p.pre}bk:text`, "one");
      await kv.put(`${p.pre}bk:obj`, JSON.stringify({ x: 1 }), { metadata: { m: "obj" } });
      await kv.put(`${p.pre}bk:zero`, "0");
      const keys = [`${p.pre}bk:text`, `${p.pre}bk:obj`, `${p.pre}bk:zero`, `${p.pre}bk:missing`];
      return {
        text: plain(await kv.get(keys)),
        json: plain(await kv.get(keys.slice(1), "json")),
        withMetadata: plain(await kv.getWithMetadata(keys.slice(1))),
      };
    },
    want: (p) => ({
      text: { [`${p.pre}bk:text`]: "one", [`${p.pre}bk:obj`]: '{"x":1}', [`${p.pre}bk:zero`]: "0", [`${p.pre}bk:missing`]: null },
      json: { [`${p.pre}bk:obj`]: { x: 1 }, [`${p.pre}bk:zero`]: 0, [`${p.pre}bk:missing`]: null },
      withMetadata: {
        [`${p.pre}bk:obj`]: { value: '{"x":1}', metadata: { m: "obj" } },
        [`${p.pre}bk:zero`]: { value: "0", metadata: null },
        [`${p.pre}bk:missing`]: null,
      },
    }),
  },
  // Deletes a key it wrote and the key written over REST (the test checks REST answers 404).
  delete: {
    async run(kv, p) {
      await kv.put(`${p.pre}del`, "to be deleted");
      const before = await kv.get(`${p.pre}del`);
      const returned = plain(await kv.delete(`${p.pre}del`));
      await kv.delete(`${p.pre}del-rest`);
      return {
        before,
        returned,
        after: await kv.get(`${p.pre}del`),
        restKeyAfter: await kv.get(`${p.pre}del-rest`),
        listed: (await kv.list({ prefix: `${p.pre}del` })).keys,
      };
    },
    want: () => ({ before: "to be deleted", returned: { $undefined: true }, after: null, restKeyAfter: null, listed: [] }),
  },
  expiration: {
    async run(kv, p) {
      await kv.put(`${p.pre}exp:abs`, "absolute", { expiration: p.exp });
      await kv.put(`${p.pre}exp:ttl`, "relative", { expirationTtl: 120 });
      const { keys } = await kv.list({ prefix: `${p.pre}exp:` });
      const ttl = keys.find((k) => k.name === `${p.pre}exp:ttl`);
      return {
        names: keys.map((k) => k.name),
        absolute: keys.find((k) => k.name === `${p.pre}exp:abs`)?.expiration,
        ttlNearNowPlus120: near(ttl?.expiration, p.now + 120),
        value: await kv.get(`${p.pre}exp:ttl`),
      };
    },
    want: (p) => ({ names: [`${p.pre}exp:abs`, `${p.pre}exp:ttl`], absolute: p.exp, ttlNearNowPlus120: true, value: "relative" }),
  },
  // Two processes at once on one namespace (a `wrangler dev` and a vitest run). The first one
  // writes `shared:first`; the second ("shared-join", below) writes `shared:second` and waits for
  // the first, still running, to acknowledge it ("shared-ack").
  "shared-first": {
    run: async (kv, p) => plain(await kv.put("shared:first", `written by ${p.tool}`)),
    want: () => ({ $undefined: true }),
  },
  "shared-ack": {
    async run(kv, p) {
      const seen = await poll(() => kv.get("shared:second"), p.waitMs ?? 60_000);
      await kv.put("shared:ack", `${p.tool} saw: ${seen}`);
      return seen;
    },
    want: (p) => `written by ${p.other}`,
  },
  "shared-join": {
    async run(kv, p) {
      const first = await kv.get("shared:first");
      await kv.put("shared:second", `written by ${p.tool}`);
      const ack = await poll(() => kv.get("shared:ack"), p.waitMs ?? 60_000);
      return { first, ack };
    },
    want: (p) => ({ first: `written by ${p.other}`, ack: `${p.other} saw: written by ${p.tool}` }),
  },
  // Must throw; the test compares the message with Cloudflare's.
  "err-ttl-30": {
    run: (kv, p) => kv.put(`${p.pre}err`, "x", { expirationTtl: 30 }),
    wantError: "KV PUT failed: 400 Invalid expiration_ttl of 30. Expiration TTL must be at least 60.",
  },
};

/** The scenarios every tool runs, in this order (read-rest and delete need the REST seed first). */
export const CASES = ["write", "read-rest", "getWithMetadata", "list", "bulk-get", "delete", "expiration", "err-ttl-30"];

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const scenario = scenarios[url.pathname.slice(1)];
    if (!scenario) return Response.json({ scenarios: Object.keys(scenarios) }, { status: 404 });
    const p = JSON.parse(url.searchParams.get("p") ?? "{}");
    try {
      return Response.json({ ok: true, result: await scenario.run(env[p.binding ?? "KV"], p) });
    } catch (e) {
      return Response.json({ ok: false, error: { name: e?.name, message: e?.message ?? String(e) } });
    }
  },
};
