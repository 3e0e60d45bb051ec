// Shared by the tests: a real flarekv (e2e/lib/server.mjs builds the jar through ../flarekv on first
// use), a Miniflare whose Worker runs KV calls it is sent, and small utilities.
import { createServer } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";

export { startServer } from "../../../e2e/lib/server.mjs";
export { rest } from "../../../e2e/lib/rest.mjs";

export const PKG_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");

// The tests load the plugin by path (require.resolve of a directory reads package.json "main"); the
// install tests load it by its package name from a project that installed it.
export const PLUGIN = { package: PKG_DIR, name: "flarekv" };

// Runs `env[binding][op](...args)` for each JSON request: {binding, op, args}; a Map (bulk get) comes
// back as an object, an error as {error: message}.
const KV_WORKER = `
export default {
  async fetch(request, env) {
    const { binding, op, args } = await request.json();
    try {
      let result = await env[binding][op](...args);
      if (result instanceof Map) result = Object.fromEntries(result);
      return Response.json({ result: result === undefined ? null : result });
    } catch (e) {
      return Response.json({ error: String(e && e.message) });
    }
  },
};`;

/** @param {{ name: string, options?: object }[]} bindings */
export function kvMiniflare(bindings) {
  return new Miniflare({
    modules: true,
    script: KV_WORKER,
    compatibilityDate: "2025-01-01",
    unsafeBindings: bindings.map((b) => ({
      name: b.name,
      type: b.type ?? "kv_namespace",
      plugin: b.plugin ?? PLUGIN,
      options: b.options ?? {},
    })),
  });
}

/** Calls the Worker: `await call(mf, "KV", "get", "key")` → {result} or {error}. */
export async function call(mf, binding, op, ...args) {
  const res = await mf.dispatchFetch("http://worker/", { method: "POST", body: JSON.stringify({ binding, op, args }) });
  return res.json();
}

/** A loopback port nothing listens on (bound, then closed). */
export async function closedPort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** The error Miniflare startup rejects with (a start that succeeds fails the test). */
export async function startError(mf) {
  try {
    await mf.ready;
  } catch (e) {
    await mf.dispose().catch(() => {});
    return e;
  }
  await mf.dispose();
  throw new Error("Miniflare started, an error was expected");
}

/** The namespace with this title in the server's account, over REST. */
export async function namespaceByTitle(api, title) {
  return (await api.listNamespaces()).find((n) => n.title === title);
}
