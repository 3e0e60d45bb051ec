// getNodeBindings must return instances of the ProxyNodeBinding class of the very miniflare module
// that runs (Miniflare#getBindings checks `instanceof`). With `npm install <dir>` this package is a
// symlink and `import "miniflare"` here would resolve next to the package's real path: possibly
// another copy. So the class is taken from the miniflare module that is already loaded in this
// process and whose Log class made the `log` Miniflare hands to getServices.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** @returns {{ ProxyNodeBinding: Function, Log: Function }[]} */
function loadedMiniflares() {
  const found = [];
  for (const [file, mod] of Object.entries(require.cache)) {
    const exp = mod?.exports;
    if (
      /[\\/]miniflare[\\/]dist[\\/]src[\\/]index\.js$/.test(file) &&
      typeof exp?.ProxyNodeBinding === "function" &&
      typeof exp?.Log === "function"
    ) {
      found.push(exp);
    }
  }
  return found;
}

/**
 * The ProxyNodeBinding class of the miniflare module whose Log class `log` comes from; when that
 * cannot be told, the only loaded miniflare, else the one this package resolves.
 * @param {unknown} log
 * @returns {Promise<Function>}
 */
export async function proxyNodeBindingClass(log) {
  const loaded = loadedMiniflares();
  const owner = log === undefined ? undefined : loaded.find((m) => log instanceof m.Log);
  if (owner) return owner.ProxyNodeBinding;
  if (loaded.length === 1) return loaded[0].ProxyNodeBinding;
  const own = await import("miniflare");
  return own.ProxyNodeBinding ?? own.default?.ProxyNodeBinding;
}
