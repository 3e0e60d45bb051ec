// Minimal REST helper (plain fetch) used to check what the clients left on the server.

export function rest(server) {
  const nsBase = `${server.baseUrl}/accounts/${server.accountId}/storage/kv/namespaces`;
  const auth = server.token ? { authorization: `Bearer ${server.token}` } : {};

  async function call(method, path, body, headers = {}) {
    const init = { method, headers: { ...auth, ...headers } };
    if (body !== undefined) {
      if (typeof body === "string" || body instanceof Uint8Array || body instanceof FormData) {
        init.body = body;
      } else {
        init.body = JSON.stringify(body);
        init.headers["content-type"] = "application/json";
      }
    }
    const res = await fetch(nsBase + path, init);
    const text = await res.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  /** JSON call that must succeed; returns the envelope. */
  async function ok(method, path, body) {
    const r = await call(method, path, body);
    if (r.status < 200 || r.status >= 300 || !r.json || r.json.success !== true) {
      throw new Error(`${method} ${path} -> ${r.status} ${r.text.slice(0, 500)}`);
    }
    return r.json;
  }

  const enc = encodeURIComponent;

  return {
    nsBase,
    call,
    ok,
    async createNamespace(title) {
      return (await ok("POST", "", { title })).result;
    },
    async deleteNamespace(id) {
      return ok("DELETE", `/${id}`);
    },
    async getNamespace(id) {
      return call("GET", `/${id}`);
    },
    /** All namespaces, walking pages until an empty one. */
    async listNamespaces() {
      const all = [];
      for (let page = 1; page < 1000; page++) {
        const r = await ok("GET", `?per_page=100&page=${page}`);
        if (!r.result.length) break;
        all.push(...r.result);
      }
      return all;
    },
    /** Raw value GET: {status, bytes, headers, text}. */
    async getValue(ns, key) {
      const res = await fetch(`${nsBase}/${ns}/values/${enc(key)}`, { headers: auth });
      const bytes = Buffer.from(await res.arrayBuffer());
      return { status: res.status, bytes, headers: res.headers, text: bytes.toString("utf8") };
    },
    async putValue(ns, key, value, query = "") {
      return ok("PUT", `/${ns}/values/${enc(key)}${query}`, typeof value === "string" ? value : value);
    },
    async getMetadata(ns, key) {
      return call("GET", `/${ns}/metadata/${enc(key)}`);
    },
    /** All keys (following result_info.cursor), optionally with a prefix. */
    async listKeys(ns, prefix) {
      const keys = [];
      let cursor = "";
      for (let i = 0; i < 10_000; i++) {
        const q = new URLSearchParams();
        if (prefix !== undefined) q.set("prefix", prefix);
        if (cursor) q.set("cursor", cursor);
        const r = await ok("GET", `/${ns}/keys?${q}`);
        keys.push(...r.result);
        cursor = r.result_info?.cursor ?? "";
        if (!cursor) return keys;
      }
      throw new Error("key listing did not terminate");
    },
    async bulkPut(ns, items) {
      return ok("PUT", `/${ns}/bulk`, items);
    },
  };
}
