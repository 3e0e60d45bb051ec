// Runs the real workerd binary (node_modules/.bin/workerd, from @cloudflare/workerd-linux-64) with a
// generated capnp config: one Worker service whose kvNamespace bindings point at flarekv's binding
// listener through `external` services, and one HTTP socket on 127.0.0.1. One workerd per test file.
import { spawn } from "node:child_process";
import { copyFileSync, createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { terminate } from "./process.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const E2E_ROOT = resolve(here, "..");
export const WORKERD = process.env.FLAREKV_E2E_WORKERD || join(E2E_ROOT, "node_modules", ".bin", "workerd");

const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
export const REQUEST_TIMEOUT_MS = 15_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on 127.0.0.1 (bind to 0, read the port, release it). */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** capnp text literal */
const str = (s) => JSON.stringify(String(s));

/**
 * The capnp config text (same shape as docs/workerd.md).
 * @param {{port: number, modules: {name: string}[], bindings: {name: string, address: string,
 *   token?: string|null, namespaceId?: string|null}[], compatibilityDate?: string}} o
 */
export function capnpConfig({ port, modules, bindings, compatibilityDate = "2025-01-01" }) {
  const services = bindings.map((b, i) => {
    const headers = [];
    if (b.token) headers.push(`(name = "Authorization", value = ${str(`Bearer ${b.token}`)})`);
    if (b.namespaceId) headers.push(`(name = "X-Flarekv-Namespace", value = ${str(b.namespaceId)})`);
    const http = headers.length ? `(\n       injectRequestHeaders = [\n         ${headers.join(",\n         ")} ])` : "()";
    return `    (name = "kv-backend-${i}", external = (address = ${str(b.address)}, http = ${http})),`;
  });
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .kvWorker),
${services.join("\n")}
  ],
  sockets = [ (name = "http", address = ${str(`127.0.0.1:${port}`)}, http = (), service = "main") ],
);

const kvWorker :Workerd.Worker = (
  modules = [
${modules.map((m) => `    (name = ${str(m.name)}, esModule = embed ${str(m.name)}),`).join("\n")}
  ],
  compatibilityDate = ${str(compatibilityDate)},
  bindings = [
${bindings.map((b, i) => `    (name = ${str(b.name)}, kvNamespace = "kv-backend-${i}"),`).join("\n")}
  ],
);
`;
}

/**
 * Start workerd serving the given ES modules (the first one is the main module), with a generated
 * config (opts.bindings) or an existing one (opts.configFile + opts.rewrite).
 * @param {{modules: string[], bindings?: {name: string, address: string, token?: string|null,
 *   namespaceId?: string|null}[], compatibilityDate?: string, configFile?: string,
 *   rewrite?: (text: string, port: number) => string}} opts
 * @returns {Promise<{url: string, port: number, pid: number, dir: string, config: string,
 *   fetch: (path: string, init?: RequestInit) => Promise<Response>,
 *   json: (path: string, init?: RequestInit) => Promise<any>, logTail: () => Promise<string>,
 *   stop: () => Promise<void>}>}
 */
export async function startWorkerd(opts) {
  const dir = await mkdtemp(join(tmpdir(), "flarekv-workerd-"));
  const modules = opts.modules.map((p) => {
    const name = basename(p);
    copyFileSync(p, join(dir, name));
    return { name };
  });
  const port = await freePort();
  // Either generate the config, or take an existing one (e.g. an example's config.capnp) and let
  // opts.rewrite(text, port) point its socket and backend at the test's addresses.
  const config = opts.configFile
    ? opts.rewrite(await readFile(opts.configFile, "utf8"), port)
    : capnpConfig({ port, modules, bindings: opts.bindings, compatibilityDate: opts.compatibilityDate });
  const configFile = join(dir, "config.capnp");
  await writeFile(configFile, config);

  const logFile = join(dir, "workerd.log");
  const log = createWriteStream(logFile);
  const child = spawn(WORKERD, ["serve", configFile, "--verbose"], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env },
  });
  const pid = child.pid;
  let exited = null;
  const exitPromise = new Promise((res) => {
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      res(exited);
    });
  });
  child.stdout.on("data", (d) => log.write(d));
  child.stderr.on("data", (d) => log.write(d));

  const logTail = async (n = 60) => {
    try {
      return (await readFile(logFile, "utf8")).split("\n").slice(-n).join("\n");
    } catch {
      return "";
    }
  };

  const url = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // SIGTERM to exactly this PID (workerd itself, no shell in between), SIGKILL after the grace period
    await terminate(pid, exitPromise, () => exited !== null, STOP_GRACE_MS);
    log.end();
    if (!process.env.FLAREKV_E2E_KEEP) await rm(dir, { recursive: true, force: true });
  };

  // Wait until the socket answers any HTTP response.
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      const tail = await logTail();
      await stop();
      throw new Error(`workerd exited while starting (${JSON.stringify(exited)}):\n${tail}\n--- config ---\n${config}`);
    }
    try {
      const r = await fetch(`${url}/__ready`, { signal: AbortSignal.timeout(2_000) });
      await r.arrayBuffer();
      break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      const tail = await logTail();
      await stop();
      throw new Error(`workerd did not answer on ${url} within ${START_TIMEOUT_MS} ms:\n${tail}`);
    }
    await sleep(100);
  }

  const doFetch = (path, init = {}) => fetch(url + path, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...init });
  const json = async (path, init) => {
    const r = await doFetch(path, init);
    const text = await r.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`${path} -> ${r.status} (not JSON): ${text.slice(0, 500)}\n--- workerd log ---\n${await logTail(30)}`);
    }
  };
  return { url, port, pid, dir, config, fetch: doFetch, json, logTail, stop };
}

/**
 * REST v4 calls against flarekv with a timeout (the checks on what the Workers left behind).
 * @returns {{call: Function, createNamespace: (title: string) => Promise<string>, getValue: Function,
 *   getMetadata: Function, listKeys: Function, putValue: Function}}
 */
export function restApi(server) {
  const nsBase = `${server.baseUrl}/accounts/${server.accountId}/storage/kv/namespaces`;
  const auth = server.token ? { authorization: `Bearer ${server.token}` } : {};
  const enc = encodeURIComponent;
  async function call(method, path, body, headers = {}) {
    const init = { method, headers: { ...auth, ...headers }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) };
    if (body !== undefined) {
      if (typeof body === "string" || body instanceof Uint8Array || body instanceof FormData) init.body = body;
      else {
        init.body = JSON.stringify(body);
        init.headers["content-type"] = "application/json";
      }
    }
    const res = await fetch(nsBase + path, init);
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString("utf8");
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, bytes, text, json };
  }
  async function ok(method, path, body, headers) {
    const r = await call(method, path, body, headers);
    if (r.status < 200 || r.status >= 300 || r.json?.success !== true) {
      throw new Error(`${method} ${path} -> ${r.status} ${r.text.slice(0, 500)}`);
    }
    return r.json;
  }
  return {
    call,
    ok,
    async createNamespace(title) {
      return (await ok("POST", "", { title })).result.id;
    },
    async findNamespace(title) {
      const r = await ok("GET", "?per_page=1000");
      return r.result.find((n) => n.title === title)?.id ?? null;
    },
    /** raw value: {status, bytes, text, headers} */
    getValue: (ns, key) => call("GET", `/${ns}/values/${enc(key)}`),
    /** the metadata JSON (result), or throws */
    async getMetadata(ns, key) {
      return (await ok("GET", `/${ns}/metadata/${enc(key)}`)).result;
    },
    /** one page of keys (REST limit 10..1000) */
    async listKeys(ns, prefix) {
      const q = new URLSearchParams({ prefix });
      return (await ok("GET", `/${ns}/keys?${q}`)).result;
    },
    /** multipart put with metadata, like wrangler --metadata */
    async putValue(ns, key, value, { metadata, query = "" } = {}) {
      if (metadata === undefined) return ok("PUT", `/${ns}/values/${enc(key)}${query}`, value);
      const form = new FormData();
      form.set("value", value);
      form.set("metadata", JSON.stringify(metadata));
      return ok("PUT", `/${ns}/values/${enc(key)}${query}`, form);
    },
  };
}
