// Test Worker for e2e/test/workerd.test.mjs: every route exercises one KV binding behaviour against
// flarekv (through workerd's kvNamespace binding) and answers JSON:
//   {ok: true, result}                      when the scenario ran
//   {ok: false, error: {name, message}}     when a KV call threw (the message is what a Worker sees)
// Query parameters: k (key), exp (absolute expiration), ttl, n (number) where a route needs them.
// Keys are chosen by the caller (or prefixed per route) so the routes do not interfere.

const BYTES = [0, 1, 2, 127, 128, 254, 255];

/** JSON-safe view of what the binding returned (Map, ArrayBuffer, undefined). */
function plain(v) {
  if (v === undefined) return { $undefined: true };
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]));
  if (v instanceof ArrayBuffer) return { $bytes: [...new Uint8Array(v)] };
  if (ArrayBuffer.isView(v)) return { $bytes: [...new Uint8Array(v.buffer, v.byteOffset, v.byteLength)] };
  return v;
}

async function readAll(stream) {
  const chunks = [];
  let total = 0;
  for await (const c of stream) {
    chunks.push(c);
    total += c.byteLength;
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out;
}

/** The stream test pattern: 3 small chunks + one 100,000-byte chunk (i*7 mod 256). */
function streamChunks() {
  const big = new Uint8Array(100_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
  return [new Uint8Array([255, 0, 10]), new Uint8Array([20, 30, 200]), new Uint8Array([]), big];
}

function sha(bytes) {
  return crypto.subtle.digest("SHA-256", bytes).then((d) => [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join(""));
}

const routes = {
  // ---- reads ------------------------------------------------------------------------------------
  async "get-text"(env) {
    await env.KV.put("get:text", "hello wörld");
    return { default: await env.KV.get("get:text"), text: await env.KV.get("get:text", "text"), opts: await env.KV.get("get:text", { type: "text" }) };
  },
  async "get-json"(env) {
    await env.KV.put("get:json", JSON.stringify({ a: 1, b: [true, null], s: "é" }));
    return { json: await env.KV.get("get:json", "json"), opts: await env.KV.get("get:json", { type: "json" }) };
  },
  async "get-arrayBuffer"(env) {
    await env.KV.put("get:bin", new Uint8Array(BYTES).buffer);
    const ab = await env.KV.get("get:bin", "arrayBuffer");
    return { isArrayBuffer: ab instanceof ArrayBuffer, bytes: [...new Uint8Array(ab)] };
  },
  async "get-stream"(env) {
    await env.KV.put("get:stream", new Uint8Array(BYTES));
    const s = await env.KV.get("get:stream", "stream");
    return { isStream: s instanceof ReadableStream, bytes: [...(await readAll(s))] };
  },
  async "get-missing"(env) {
    return { get: await env.KV.get("get:missing"), json: await env.KV.get("get:missing", "json"), stream: await env.KV.get("get:missing", "stream") };
  },
  async "get-cacheTtl"(env, q) {
    await env.KV.put("get:cache", "cached");
    return await env.KV.get("get:cache", { cacheTtl: Number(q.get("n")) });
  },
  async "getWithMetadata"(env) {
    await env.KV.put("gwm:k", "v", { metadata: { owner: "workerd", n: 1, s: "é", nested: { a: [1, 2] } } });
    await env.KV.put("gwm:plain", "p");
    return {
      found: await env.KV.getWithMetadata("gwm:k"),
      json: await env.KV.getWithMetadata("gwm:k", "json").catch((e) => ({ threw: e.name })),
      noMetadata: await env.KV.getWithMetadata("gwm:plain"),
      missing: await env.KV.getWithMetadata("gwm:missing"),
    };
  },

  // ---- writes -----------------------------------------------------------------------------------
  async "put-string"(env, q) {
    const r = await env.KV.put(q.get("k"), "héllo 😀");
    return { returned: plain(r), back: await env.KV.get(q.get("k")) };
  },
  async "put-arrayBuffer"(env, q) {
    const all = new Uint8Array(256).map((_, i) => i);
    await env.KV.put(q.get("k"), all.buffer);
    return { back: [...new Uint8Array(await env.KV.get(q.get("k"), "arrayBuffer"))] };
  },
  async "put-stream"(env, q) {
    const chunks = streamChunks();
    const body = new ReadableStream({
      pull(controller) {
        const c = chunks.shift();
        if (c) controller.enqueue(c);
        else controller.close();
      },
    });
    await env.KV.put(q.get("k"), body);
    const back = await readAll(await env.KV.get(q.get("k"), "stream"));
    return { length: back.length, head: [...back.subarray(0, 6)], sha256: await sha(back) };
  },
  async "put-metadata"(env, q) {
    await env.KV.put(q.get("k"), "with metadata", { metadata: { owner: "workerd", n: 1, s: "é", list: [1, "two", null] } });
    return await env.KV.getWithMetadata(q.get("k"));
  },
  async "put-expirationTtl"(env, q) {
    await env.KV.put(q.get("k"), "ttl", { expirationTtl: Number(q.get("ttl")) });
    const { keys } = await env.KV.list({ prefix: q.get("k") });
    return { value: await env.KV.get(q.get("k")), keys };
  },
  async "put-expiration"(env, q) {
    await env.KV.put(q.get("k"), "abs", { expiration: Number(q.get("exp")) });
    const { keys } = await env.KV.list({ prefix: q.get("k") });
    return { value: await env.KV.get(q.get("k")), keys };
  },
  async "put-overwrite"(env, q) {
    const k = q.get("k");
    await env.KV.put(k, "first", { metadata: { v: 1 }, expirationTtl: 3600 });
    await env.KV.put(k, "second");
    const { keys } = await env.KV.list({ prefix: k });
    return { got: await env.KV.getWithMetadata(k), keys };
  },
  async "delete"(env) {
    await env.KV.put("del:k", "to be deleted", { metadata: { x: 1 } });
    const before = await env.KV.get("del:k");
    const returned = await env.KV.delete("del:k");
    return {
      before,
      returned: plain(returned),
      after: await env.KV.get("del:k"),
      afterMeta: await env.KV.getWithMetadata("del:k"),
      listed: (await env.KV.list({ prefix: "del:" })).keys,
      deleteMissing: plain(await env.KV.delete("del:never-existed")),
    };
  },
  async "delete-array"(env) {
    // workerd stringifies an array key: delete(["a","b"]) deletes the single key "a,b".
    await env.KV.put("da:a", "A");
    await env.KV.put("da:b", "B");
    await env.KV.put("da:a,da:b", "joined");
    await env.KV.delete(["da:a", "da:b"]);
    return { a: await env.KV.get("da:a"), b: await env.KV.get("da:b"), joined: await env.KV.get("da:a,da:b") };
  },

  // ---- list -------------------------------------------------------------------------------------
  async "list-pages"(env) {
    await env.KV.put("lst:a", "1", { metadata: { i: 1, s: "é" } });
    await env.KV.put("lst:b", "2");
    await env.KV.put("lst:c", "3", { expirationTtl: 3600 });
    await env.KV.put("lst:d", "4", { metadata: ["x"] });
    await env.KV.put("lst:e", "5");
    await env.KV.put("lsu:outside", "not under the prefix");
    const pages = [];
    let cursor;
    for (let i = 0; i < 10; i++) {
      const page = await env.KV.list({ prefix: "lst:", limit: 2, cursor });
      pages.push(page);
      if (page.list_complete) break;
      cursor = page.cursor;
    }
    return pages;
  },
  async "list-all"(env) {
    return await env.KV.list({ prefix: "lst:" });
  },
  async "list-empty"(env) {
    return await env.KV.list({ prefix: "no-such-prefix:" });
  },

  // ---- bulk get ---------------------------------------------------------------------------------
  async "bulk-setup"(env) {
    await env.KV.put("bk:text", "one");
    await env.KV.put("bk:obj", JSON.stringify({ x: 1, s: "é" }), { metadata: { m: "obj" } });
    await env.KV.put("bk:arr", "[1,2,3]");
    await env.KV.put("bk:zero", "0", { metadata: { falsy: true } });
    await env.KV.put("bk:false", "false");
    await env.KV.put("bk:empty", "");
    await env.KV.put("bk:notjson", "this is not json");
    return true;
  },
  async "bulk-text"(env) {
    return plain(await env.KV.get(["bk:text", "bk:obj", "bk:missing", "bk:empty"]));
  },
  async "bulk-text-opts"(env) {
    return plain(await env.KV.get(["bk:text", "bk:missing"], { type: "text", cacheTtl: 60 }));
  },
  async "bulk-json"(env) {
    return plain(await env.KV.get(["bk:obj", "bk:arr", "bk:zero", "bk:false", "bk:missing"], "json"));
  },
  async "bulk-withMetadata"(env) {
    return plain(await env.KV.getWithMetadata(["bk:text", "bk:obj", "bk:zero", "bk:empty", "bk:missing"]));
  },
  async "bulk-withMetadata-json"(env) {
    return plain(await env.KV.getWithMetadata(["bk:zero", "bk:false", "bk:obj", "bk:missing"], "json"));
  },
  async "bulk-100"(env) {
    const keys = Array.from({ length: 100 }, (_, i) => `bk:many:${i}`);
    const m = await env.KV.get(keys);
    return { size: m.size, allNull: [...m.values()].every((v) => v === null) };
  },

  // ---- invalid input (each must throw; the test asserts the exact message) -------------------
  "err-expirationTtl-30": (env) => env.KV.put("err:ttl", "x", { expirationTtl: 30 }),
  "err-expirationTtl-0": (env) => env.KV.put("err:ttl0", "x", { expirationTtl: 0 }),
  "err-expiration-soon": (env, q) => env.KV.put("err:exp", "x", { expiration: Number(q.get("exp")) }),
  "err-expiration-past": (env, q) => env.KV.put("err:exp", "x", { expiration: Number(q.get("exp")) }),
  "err-expiration-2100": (env) => env.KV.put("err:exp", "x", { expiration: 4102444800 }),
  "err-metadata-1025": (env) => env.KV.put("err:meta", "x", { metadata: { key: "x".repeat(1015) } }), // 1025 bytes of JSON
  async "ok-metadata-1024"(env) {
    await env.KV.put("ok:meta", "x", { metadata: { key: "x".repeat(1014) } }); // exactly 1024 bytes
    return (await env.KV.getWithMetadata("ok:meta")).metadata.key.length;
  },
  "err-key-513": (env) => env.KV.put("k".repeat(513), "x"),
  "err-key-513-get": (env) => env.KV.get("k".repeat(513)),
  async "ok-key-512"(env) {
    await env.KV.put("k".repeat(512), "512 bytes");
    return await env.KV.get("k".repeat(512));
  },
  "err-key-empty": (env) => env.KV.put("", "x"),
  "err-key-dot": (env) => env.KV.put(".", "x"),
  "err-list-1001": (env) => env.KV.list({ limit: 1001 }),
  "err-bulk-101": (env) => env.KV.get(Array.from({ length: 101 }, (_, i) => `bk:many:${i}`)),
  "err-bulk-empty": (env) => env.KV.get([]),
  "err-bulk-json-nonjson": (env) => env.KV.get(["bk:obj", "bk:notjson"], "json"),
  "err-get-type": (env) => env.KV.get("get:text", "blob"),

  // ---- one store, two surfaces (the test checks the other side over REST) --------------------
  async "surface-put"(env, q) {
    await env.KV.put(q.get("k"), q.get("v"), { metadata: JSON.parse(q.get("m")), expiration: Number(q.get("exp")) });
    return true;
  },
  async "surface-read"(env, q) {
    const k = q.get("k");
    const got = await env.KV.getWithMetadata(k);
    const { keys } = await env.KV.list({ prefix: k });
    return { got, keys };
  },

  // ---- namespace / auth misconfiguration (bindings KV_UNKNOWN_NS and KV_NO_TOKEN) ------------
  "err-unknown-namespace-get": (env) => env.KV_UNKNOWN_NS.get("anything"),
  "err-unknown-namespace-put": (env) => env.KV_UNKNOWN_NS.put("anything", "x"),
  "err-no-token-get": (env) => env.KV_NO_TOKEN.get("anything"),
};

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const name = url.pathname.slice(1);
    const route = routes[name];
    if (!route) return Response.json({ routes: Object.keys(routes) }, { status: 404 });
    try {
      const result = await route(env, url.searchParams);
      return Response.json({ ok: true, result: result === undefined ? { $undefined: true } : result });
    } catch (e) {
      return Response.json({ ok: false, error: { name: e?.name, message: e?.message ?? String(e) } });
    }
  },
};
