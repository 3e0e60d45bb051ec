// The Miniflare external plugin. Miniflare calls getBindings / getServices with the array of
// `unsafeBindings` entries that name this plugin (or undefined when a worker has none), and
// getNodeBindings from Miniflare#getBindings (getPlatformProxy, mf.getBindings()).
import { resolveBinding } from "./options.mjs";
import { kvBinding, servicesFor } from "./services.mjs";
import { preflight } from "./preflight.mjs";
import { proxyNodeBindingClass } from "./node-binding.mjs";

/** @typedef {import("./options.mjs").UnsafeBinding} UnsafeBinding */

// binding entry -> ProxyNodeBinding class of the Miniflare that configured it (see node-binding.mjs)
const nodeBindingClasses = new WeakMap();

/** @param {UnsafeBinding[] | undefined} bindings */
const targetsOf = (bindings) => (bindings ?? []).map((b) => resolveBinding(b));

export const flarekv = {
  /** @param {UnsafeBinding[] | undefined} bindings */
  async getBindings(bindings) {
    return targetsOf(bindings).map(kvBinding);
  },

  /** @param {UnsafeBinding[] | undefined} bindings */
  async getNodeBindings(bindings) {
    const out = {};
    for (const binding of bindings ?? []) {
      const ProxyNodeBinding = nodeBindingClasses.get(binding) ?? (await proxyNodeBindingClass(undefined));
      out[binding.name] = new ProxyNodeBinding();
    }
    return out;
  },

  /** @param {{ options?: UnsafeBinding[], log?: any }} args */
  async getServices({ options, log }) {
    const targets = targetsOf(options);
    if (targets.length === 0) return [];
    const ProxyNodeBinding = await proxyNodeBindingClass(log);
    for (const binding of options) nodeBindingClasses.set(binding, ProxyNodeBinding);
    await Promise.all(targets.map((t) => preflight(t, log)));
    return targets.flatMap(servicesFor);
  },
};
