// Validates one binding's options and turns them into what the workerd services need.
import { createHash } from "node:crypto";

export const DEFAULT_ADDRESS = "127.0.0.1:8791";
export const DEFAULT_TOKEN_ENV = "FLAREKV_API_TOKEN";
const KNOWN = ["address", "namespace", "namespace_id", "api_token", "api_token_env", "location"];
// flarekv refuses a longer X-Flarekv-Location
const MAX_LOCATION = 64;
// host:port, host being a name, an IPv4 address or a bracketed IPv6 address
const ADDRESS = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;
const NAMESPACE_ID = /^[0-9a-f]{32}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// what an HTTP header value can carry as-is: visible ASCII and inner spaces
const HEADER_SAFE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/**
 * @typedef {{ name: string, type: string, plugin: { package: string, name: string },
 *   options?: Record<string, unknown> }} UnsafeBinding
 * @typedef {{ name: string, address: string, namespaceLabel: string,
 *   headers: { name: string, value: string }[], key: string }} FlarekvTarget
 */

/** An error that names the binding and says what to change. */
export class FlarekvOptionError extends Error {
  /** @param {string} binding @param {string} message */
  constructor(binding, message) {
    super(`flarekv-miniflare: binding "${binding}": ${message}`);
    this.name = "FlarekvOptionError";
  }
}

/**
 * @param {UnsafeBinding} binding
 * @param {NodeJS.ProcessEnv} [env] where api_token_env is looked up
 * @returns {FlarekvTarget}
 */
export function resolveBinding(binding, env = process.env) {
  const name = binding.name;
  const fail = (message) => {
    throw new FlarekvOptionError(name, message);
  };
  if (binding.type !== "kv_namespace") {
    fail(`type must be "kv_namespace" (flarekv only backs KV bindings), got ${JSON.stringify(binding.type)}`);
  }
  const options = binding.options ?? {};
  const unknown = Object.keys(options).filter((k) => !KNOWN.includes(k));
  if (unknown.length > 0) {
    fail(`unknown option(s) ${unknown.map((k) => JSON.stringify(k)).join(", ")}; known options: ${KNOWN.join(", ")}`);
  }

  const address = options.address ?? DEFAULT_ADDRESS;
  if (typeof address !== "string" || !ADDRESS.test(address) || Number(ADDRESS.exec(address)[1]) > 65535 ||
      Number(ADDRESS.exec(address)[1]) === 0) {
    fail(`address must be "host:port" of flarekv's binding listener (e.g. "${DEFAULT_ADDRESS}"), got ${JSON.stringify(address)}`);
  }

  const headers = [];
  let namespaceLabel;
  if (options.namespace !== undefined && options.namespace_id !== undefined) {
    fail('give either "namespace" (a title) or "namespace_id" (an existing id), not both');
  }
  if (options.namespace_id !== undefined) {
    if (typeof options.namespace_id !== "string" || !NAMESPACE_ID.test(options.namespace_id)) {
      fail(`namespace_id must be a namespace id: 32 lowercase hex characters, got ${JSON.stringify(options.namespace_id)}`);
    }
    headers.push({ name: "X-Flarekv-Namespace", value: options.namespace_id });
    namespaceLabel = `namespace id ${options.namespace_id}`;
  } else {
    const title = options.namespace ?? name;
    if (typeof title !== "string" || !HEADER_SAFE.test(title)) {
      fail(
        `namespace must be a non-empty title of printable ASCII without leading or trailing spaces, got ${JSON.stringify(title)}` +
          " (for another title, create the namespace over REST and give its namespace_id)",
      );
    }
    headers.push({ name: "X-Flarekv-Namespace-Title", value: title });
    namespaceLabel = `namespace "${title}"`;
  }

  if (options.location !== undefined) {
    // the edge location this binding reads at, for a flarekv started with --consistency eventual
    if (typeof options.location !== "string" || !HEADER_SAFE.test(options.location) || options.location.length > MAX_LOCATION) {
      fail(`location must be a name of 1 to ${MAX_LOCATION} printable ASCII characters (e.g. "fra"), got ${JSON.stringify(options.location)}`);
    }
    headers.push({ name: "X-Flarekv-Location", value: options.location });
  }

  const token = resolveToken(options, env, fail);
  if (token !== undefined) headers.push({ name: "Authorization", value: `Bearer ${token}` });

  const key = createHash("sha256").update(JSON.stringify([address, headers])).digest("hex").slice(0, 16);
  return { name, address, namespaceLabel, headers, key };
}

/** @returns {string | undefined} */
function resolveToken(options, env, fail) {
  if (options.api_token !== undefined && options.api_token_env !== undefined) {
    fail('give either "api_token" or "api_token_env", not both');
  }
  if (options.api_token !== undefined) {
    if (typeof options.api_token !== "string" || !/^[\x21-\x7e]+$/.test(options.api_token)) {
      fail("api_token must be a non-empty string of visible ASCII characters (the token flarekv was started with)");
    }
    return options.api_token;
  }
  if (options.api_token_env !== undefined) {
    if (typeof options.api_token_env !== "string" || !ENV_NAME.test(options.api_token_env)) {
      fail(`api_token_env must be the name of an environment variable, got ${JSON.stringify(options.api_token_env)}`);
    }
    const value = env[options.api_token_env];
    if (value === undefined || value === "") {
      fail(`api_token_env names ${options.api_token_env}, but that environment variable is not set`);
    }
    if (!/^[\x21-\x7e]+$/.test(value)) fail(`${options.api_token_env} must hold visible ASCII characters only`);
    return value;
  }
  const fallback = env[DEFAULT_TOKEN_ENV];
  if (fallback === undefined || fallback === "") return undefined;
  if (!/^[\x21-\x7e]+$/.test(fallback)) fail(`${DEFAULT_TOKEN_ENV} must hold visible ASCII characters only`);
  return fallback;
}
