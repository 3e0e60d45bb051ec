// Builds the env section `init` adds: one flarekv plugin binding per top-level kv_namespaces entry,
// plus a copy of every top-level binding an env does not inherit (so `wrangler dev --env flarekv`
// keeps the Worker's other bindings).
import { isDeepStrictEqual } from "node:util";

export const PACKAGE_NAME = "flarekv-miniflare";
export const PLUGIN_NAME = "flarekv";

// wrangler 4.86.0 (config/validation: the fields read with notInheritable): an env gets these only
// from its own section, never from the top level.
export const NOT_INHERITED = [
  "vars", "secrets", "define", "durable_objects", "workflows", "kv_namespaces", "cloudchamber",
  "containers", "send_email", "queues", "r2_buckets", "d1_databases", "vectorize",
  "ai_search_namespaces", "ai_search", "hyperdrive", "services", "analytics_engine_datasets",
  "dispatch_namespaces", "mtls_certificates", "tail_consumers", "streaming_tail_consumers", "unsafe",
  "browser", "ai", "images", "stream", "media", "pipelines", "secrets_store_secrets", "artifacts",
  "unsafe_hello_world", "flagship", "worker_loaders", "ratelimits", "vpc_services", "vpc_networks",
  "version_metadata",
];

export class InitError extends Error {
  constructor(message) {
    super(message);
    this.name = "InitError";
  }
}

/**
 * @param {Record<string, any>} config the parsed wrangler config
 * @param {{ address: string, apiTokenEnv?: string, file: string }} opts
 * @returns {{ section: Record<string, any>, bindings: string[], copied: string[] }}
 */
export function buildSection(config, opts) {
  const kv = config.kv_namespaces;
  if (!Array.isArray(kv) || kv.length === 0) {
    throw new InitError(
      `${opts.file} has no top-level kv_namespaces: nothing to back with flarekv ` +
        "(init reads the top-level kv_namespaces entries; add them there first)",
    );
  }
  const ours = kv.map((entry, i) => {
    if (typeof entry?.binding !== "string" || entry.binding === "") {
      throw new InitError(`${opts.file}: kv_namespaces[${i}] has no "binding" name`);
    }
    const options = { address: opts.address, namespace: entry.binding };
    if (opts.apiTokenEnv) options.api_token_env = opts.apiTokenEnv;
    return {
      name: entry.binding,
      type: "kv_namespace",
      dev: { plugin: { package: PACKAGE_NAME, name: PLUGIN_NAME }, options },
    };
  });

  // kv_namespaces = [] also keeps wrangler from warning that the top-level ones are not inherited
  const section = { kv_namespaces: [] };
  const copied = [];
  for (const key of NOT_INHERITED) {
    if (key === "kv_namespaces" || key === "unsafe" || config[key] === undefined) continue;
    section[key] = structuredClone(config[key]);
    copied.push(key);
  }
  const unsafe = config.unsafe === undefined ? {} : structuredClone(config.unsafe);
  if (config.unsafe !== undefined) copied.push("unsafe");
  const names = new Set(ours.map((b) => b.name));
  unsafe.bindings = [...(unsafe.bindings ?? []).filter((b) => !names.has(b?.name)), ...ours];
  section.unsafe = unsafe;
  return { section, bindings: ours.map((b) => b.name), copied };
}

/**
 * Whether an existing env section has the shape init writes (JSON files, which hold no marker
 * comment): only non-inherited fields, `kv_namespaces: []` and at least one flarekv binding.
 * @param {unknown} section
 */
export function looksGenerated(section) {
  if (section === null || typeof section !== "object" || Array.isArray(section)) return false;
  const s = /** @type {Record<string, any>} */ (section);
  return (
    Object.keys(s).every((k) => NOT_INHERITED.includes(k)) &&
    isDeepStrictEqual(s.kv_namespaces, []) &&
    Array.isArray(s.unsafe?.bindings) &&
    s.unsafe.bindings.some((b) => b?.dev?.plugin?.package === PACKAGE_NAME)
  );
}
