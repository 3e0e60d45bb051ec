// flarekv-miniflare: flarekv as the KV of Miniflare-based tools (wrangler dev, Vite, Vitest, ...).
// Miniflare loads `plugins` from this module for unsafeBindings whose plugin is
// { package: "flarekv-miniflare", name: "flarekv" }.
import { flarekv } from "./plugin.mjs";

export const plugins = { flarekv };
export { resolveBinding, FlarekvOptionError, DEFAULT_ADDRESS } from "./options.mjs";
