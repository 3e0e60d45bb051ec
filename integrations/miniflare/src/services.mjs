// The workerd config pieces of one flarekv binding: the KV binding, the guard worker it points to,
// and the external service (with the injected headers) the guard worker forwards to.
import { GUARD_WORKER_SOURCE } from "./guard-worker.mjs";

/** @typedef {import("./options.mjs").FlarekvTarget} FlarekvTarget */

// Service names are derived from address + headers, so equal bindings share one pair of services
// and the name is the same wherever Miniflare asks for it.
const guardName = (target) => `flarekv:${target.key}`;
const upstreamName = (target) => `flarekv:${target.key}:upstream`;

/** @param {FlarekvTarget} target */
export function kvBinding(target) {
  return { name: target.name, kvNamespace: { name: guardName(target) } };
}

/** @param {FlarekvTarget} target */
export function servicesFor(target) {
  return [
    {
      name: guardName(target),
      worker: {
        compatibilityDate: "2025-01-01",
        modules: [{ name: "flarekv-guard.mjs", esModule: GUARD_WORKER_SOURCE }],
        bindings: [
          { name: "FLAREKV", service: { name: upstreamName(target) } },
          { name: "FLAREKV_ADDRESS", text: target.address },
        ],
      },
    },
    {
      name: upstreamName(target),
      external: {
        address: target.address,
        http: { injectRequestHeaders: target.headers },
      },
    },
  ];
}
