import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The tests run inside workerd (vitest-pool-workers) with the bindings of wrangler.jsonc's
// `flarekv` environment: AUTH_SESSION_KV and CACHE_KV are flarekv namespaces. test/global-setup.mjs
// starts a flarekv on ephemeral ports and hands over a config copy that points at it.
export default defineConfig({
  plugins: [
    cloudflareTest(async ({ inject }) => ({
      wrangler: { configPath: inject("wranglerConfig"), environment: process.env.FLAREKV_TEST_ENV === "none" ? undefined : "flarekv" },
    })),
  ],
  resolve: {
    alias: { $lib: fileURLToPath(new URL("./src/lib", import.meta.url)) },
  },
  test: {
    include: ["test/*.test.js"],
    globalSetup: ["test/global-setup.mjs"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
