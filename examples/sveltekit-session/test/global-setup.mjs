// Vitest global setup (runs in Node before the Workers pool starts): one real flarekv for the whole
// run, and a wrangler config copy pointing the flarekv environment at its binding listener.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { APP_DIR, restInfo, startServer, writeWranglerConfig } from "./support/flarekv.mjs";

/** @param {import("vitest/node").TestProject} project */
export default async function setup(project) {
  // wrangler insists that the assets directory of wrangler.jsonc exists; `vite build` fills it
  await mkdir(join(APP_DIR, ".svelte-kit", "cloudflare"), { recursive: true });
  const server = await startServer();
  let config;
  try {
    if (!server.bindingAddress) throw new Error("flarekv did not print FLAREKV_BINDING_ADDRESS");
    config = await writeWranglerConfig(server.bindingAddress);
  } catch (e) {
    await server.stop();
    throw e;
  }
  // the plugin reads the binding listener's token from FLAREKV_API_TOKEN (Miniflare runs in this process)
  process.env.FLAREKV_API_TOKEN = server.token;
  project.provide("wranglerConfig", config.path);
  project.provide("flarekv", restInfo(server));
  return async () => {
    await config.remove();
    await server.stop();
  };
}
