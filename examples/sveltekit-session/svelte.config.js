import adapter from "@sveltejs/adapter-cloudflare";

// `vite dev` gives routes `event.platform.env` through wrangler's getPlatformProxy. Selecting the
// `flarekv` environment of wrangler.jsonc makes AUTH_SESSION_KV and CACHE_KV flarekv namespaces
// (the flarekv-miniflare plugin bindings) instead of Miniflare's private local KV. The environment
// exists only for development: `wrangler deploy` uses the top-level kv_namespaces.
// FLAREKV_WRANGLER_CONFIG lets a test point at a copy of wrangler.jsonc with another address.
const config = {
  kit: {
    adapter: adapter({
      platformProxy: {
        configPath: process.env.FLAREKV_WRANGLER_CONFIG ?? "wrangler.jsonc",
        environment: "flarekv",
        persist: false,
      },
    }),
  },
};

export default config;
