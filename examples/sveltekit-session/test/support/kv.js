// Test support (inside workerd): what a key looks like in a namespace, read through the binding's
// list (which carries each key's expiration) and, to show the data really is in flarekv, through
// flarekv's REST API.
import { inject } from "vitest";

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A fresh id so tests never see each other's keys (the namespaces outlive a test). */
export const uniqueId = (label) => `${label}-${crypto.randomUUID()}`;

/** The list entry of exactly `key` ({ name, expiration?, metadata? }), or null. */
export async function listEntry(kv, key) {
  const { keys } = await kv.list({ prefix: key });
  return keys.find((k) => k.name === key) ?? null;
}

/** flarekv's REST API for the server the global setup started. */
export function flarekvRest() {
  const { baseUrl, token, accountId } = inject("flarekv");
  const nsBase = `${baseUrl}/accounts/${accountId}/storage/kv/namespaces`;
  const headers = { authorization: `Bearer ${token}` };
  const call = async (path) => {
    const res = await fetch(nsBase + path, { headers });
    return { status: res.status, text: new TextDecoder().decode(await res.arrayBuffer()) };
  };
  return {
    /** The id of the namespace titled `title` (created by the plugin on first use). */
    async namespaceId(title) {
      const r = await call("?per_page=100");
      const ns = JSON.parse(r.text).result.find((n) => n.title === title);
      if (!ns) throw new Error(`no namespace titled ${title} on flarekv: ${r.text}`);
      return ns.id;
    },
    /** The stored value of `key` ({status, text}). */
    value: (nsId, key) => call(`/${nsId}/values/${encodeURIComponent(key)}`),
    /** The REST key listing entry of exactly `key`, or null. */
    async keyEntry(nsId, key) {
      const r = await call(`/${nsId}/keys?prefix=${encodeURIComponent(key)}`);
      return JSON.parse(r.text).result.find((k) => k.name === key) ?? null;
    },
  };
}
