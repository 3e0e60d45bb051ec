// Miniflare's KV behind a tiny Worker, for benchmarks/compare.sh:
//   GET /<key> -> the value (404 if missing), PUT /<key> -> stores the body (expirationTtl 3600).
// usage: node benchmarks/miniflare-kv.mjs <port> <dir holding node_modules/miniflare>
// Uses the miniflare that wrangler brings into e2e/node_modules (pinned by e2e/package-lock.json).
import { createRequire } from "node:module";
import path from "node:path";

const port = Number(process.argv[2] ?? 8799);
const modulesDir = path.resolve(process.argv[3] ?? "e2e");
const require = createRequire(path.join(modulesDir, "package.json"));
const { Miniflare } = require("miniflare");

const script = `
export default {
  async fetch(request, env) {
    const key = decodeURIComponent(new URL(request.url).pathname.slice(1));
    if (request.method === "PUT") {
      await env.KV.put(key, await request.arrayBuffer(), { expirationTtl: 3600 });
      return new Response(null, { status: 204 });
    }
    if (request.method === "GET") {
      const value = await env.KV.get(key, "arrayBuffer");
      return value === null ? new Response("not found", { status: 404 }) : new Response(value);
    }
    return new Response("method not allowed", { status: 405 });
  },
};`;

const mf = new Miniflare({
  modules: true,
  script,
  kvNamespaces: ["KV"],
  host: "127.0.0.1",
  port,
});
const url = await mf.ready;
console.log(`miniflare listening: ${url}`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await mf.dispose(); // also stops the workerd process miniflare started
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
