// Runs the installed wrangler binary (node_modules/.bin/wrangler) against a flarekv server
// and records a transcript of every invocation in e2e/out/wrangler-transcript.txt.
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const E2E_ROOT = resolve(here, "..");
export const WRANGLER_BIN = join(E2E_ROOT, "node_modules", ".bin", "wrangler");
export const OUT_DIR = join(E2E_ROOT, "out");
export const TRANSCRIPT = join(OUT_DIR, "wrangler-transcript.txt");
export const WRANGLER_TIMEOUT_MS = 60_000;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

mkdirSync(OUT_DIR, { recursive: true });

/** Temporary home for one suite: XDG config, wrangler cache and a working directory. */
export async function wranglerSandbox() {
  const root = await mkdtemp(join(tmpdir(), "flarekv-wrangler-"));
  const cfg = join(root, "xdg");
  const cache = join(root, "cache");
  const tmp = join(root, "tmp");
  const cwd = join(root, "cwd");
  for (const d of [cfg, cache, tmp, cwd]) mkdirSync(d, { recursive: true });
  return { root, cfg, cache, tmp, cwd, remove: () => rm(root, { recursive: true, force: true }) };
}

const quote = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/**
 * @param {string[]} args
 * @param {{server: any, proxy?: any, sandbox: any, cwd?: string, env?: object, accountId?: string|null, label?: string}} o
 * @returns {Promise<{code: number|null, signal: string|null, stdout: string, stderr: string, stdoutBytes: Buffer, out: string, ms: number}>}
 */
export function wrangler(args, o) {
  const env = {
    PATH: process.env.PATH,
    HOME: o.sandbox.root,
    // wrangler's update check asks the npm registry named by npm config: point it at a closed
    // local port (and a fresh tmp dir, where update-check caches) so nothing leaves 127.0.0.1.
    TMPDIR: o.sandbox.tmp,
    npm_config_registry: "http://127.0.0.1:9/",
    CLOUDFLARE_API_BASE_URL: o.proxy ? o.proxy.baseUrl : o.server.baseUrl,
    CLOUDFLARE_API_TOKEN: o.server.token,
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_SEND_ERROR_REPORTS: "false",
    CI: "1",
    XDG_CONFIG_HOME: o.sandbox.cfg,
    WRANGLER_CACHE_DIR: o.sandbox.cache,
    NO_COLOR: "1",
    FORCE_COLOR: "0",
    ...(o.env ?? {}),
  };
  const accountId = o.accountId === undefined ? o.server.accountId : o.accountId;
  if (accountId) env.CLOUDFLARE_ACCOUNT_ID = accountId;
  const cwd = o.cwd ?? o.sandbox.cwd;
  const started = Date.now();
  const mark = o.proxy ? o.proxy.mark() : 0;
  return new Promise((res, rej) => {
    const child = spawn(WRANGLER_BIN, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const out = [];
    const err = [];
    const both = [];
    child.stdout.on("data", (d) => {
      out.push(d);
      both.push(d);
    });
    child.stderr.on("data", (d) => {
      err.push(d);
      both.push(d);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, "SIGKILL"); // the process group of the wrangler we started
      } catch {
        /* already gone */
      }
    }, WRANGLER_TIMEOUT_MS);
    child.on("error", (e) => {
      clearTimeout(timer);
      rej(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      const r = {
        code,
        signal,
        timedOut,
        stdoutBytes,
        stdout: stdoutBytes.toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        out: Buffer.concat(both).toString("utf8").replace(ANSI, ""), // stdout+stderr, colours removed
        ms: Date.now() - started,
        requests: o.proxy ? o.proxy.since(mark) : [],
      };
      record(args, r, o.label);
      if (timedOut) rej(new Error(`wrangler ${args.join(" ")} timed out after ${WRANGLER_TIMEOUT_MS} ms\n${r.out}`));
      else res(r);
    });
  });
}

function record(args, r, label) {
  const MAX = 1500;
  let shown = r.out;
  // binary output (kv key get of a binary value) is summarised
  if (/[\x00-\x08\x0e-\x1f]/.test(r.stdout.replace(ANSI, ""))) shown = `<${r.stdoutBytes.length} raw bytes on stdout>\n${r.stderr}`;
  if (shown.length > MAX) shown = `${shown.slice(0, MAX)}\n… (${shown.length - MAX} more characters)`;
  const head = `${label ? `# ${label}\n` : ""}$ wrangler ${args.map(quote).join(" ")}\n`;
  let reqs = r.requests.map((q) => `    ${q.method} ${q.url} -> ${q.status}`);
  if (reqs.length > 8) reqs = [...reqs.slice(0, 6), `    … ${reqs.length - 7} more …`, reqs[reqs.length - 1]];
  const reqText = reqs.length ? `[requests seen by the server]\n${reqs.join("\n")}\n` : "";
  appendFileSync(
    TRANSCRIPT,
    `${head}${shown.replace(/\s+$/, "")}\n${reqText}[exit ${r.code}${r.timedOut ? ", TIMED OUT" : ""}, ${r.ms} ms]\n\n`,
  );
}

/** Extract and parse the first JSON array/object that starts a line in wrangler's output
 * (wrangler may print a banner before it and "Success!" after it). */
export function parseJsonOutput(text) {
  const start = text.search(/^[[{]/m);
  if (start < 0) throw new Error(`no JSON in wrangler output:\n${text.slice(0, 2000)}`);
  let depth = 0;
  let inStr = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inStr) {
      if (c === "\\") i++;
      else if (c === '"') inStr = false;
    } else if (c === '"') inStr = true;
    else if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") {
      depth--;
      if (depth === 0) return JSON.parse(text.slice(start, i + 1));
    }
  }
  throw new Error(`unterminated JSON in wrangler output:\n${text.slice(start, start + 2000)}`);
}
