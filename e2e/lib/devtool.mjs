// Runs the Cloudflare dev-loop tools (wrangler dev, vite dev, vitest run) as child processes for
// e2e/test/dev-loop-*.test.mjs. Each tool is spawned in its own process group; it is stopped by
// its PID (SIGTERM, which wrangler and vite forward to their workerd children), and anything left
// in that group after the grace period is SIGKILLed by the group id (= that same PID). Every run
// is appended to e2e/out/dev-loop-transcript.txt (command, output, exit).
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { OUT_DIR } from "./wrangler.mjs";
import { terminate } from "./process.mjs";

export const TRANSCRIPT = join(OUT_DIR, "dev-loop-transcript.txt");
const STOP_GRACE_MS = 10_000;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

mkdirSync(OUT_DIR, { recursive: true });

/** Environment for a tool: no telemetry, no update check, no Request.cf download, no colours. */
export function toolEnv(sandbox, extra = {}) {
  return {
    PATH: process.env.PATH,
    HOME: sandbox.root,
    TMPDIR: sandbox.tmp,
    XDG_CONFIG_HOME: sandbox.cfg,
    WRANGLER_CACHE_DIR: sandbox.cache,
    npm_config_registry: "http://127.0.0.1:9/",
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_SEND_ERROR_REPORTS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    CI: "1",
    NO_COLOR: "1",
    FORCE_COLOR: "0",
    ...extra,
  };
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function spawnGroup(command, args, { cwd, env }) {
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const chunks = [];
  child.stdout.on("data", (d) => chunks.push(d));
  child.stderr.on("data", (d) => chunks.push(d));
  let exit = null;
  const exited = new Promise((res) => {
    child.on("error", (e) => {
      exit ??= { code: null, signal: null, error: e };
      res(exit);
    });
    child.on("close", (code, signal) => {
      exit ??= { code, signal };
      res(exit);
    });
  });
  const output = () => Buffer.concat(chunks).toString("utf8").replace(ANSI, "");
  const stop = async () => {
    await terminate(child.pid, exited, () => exit !== null, STOP_GRACE_MS);
    // children that outlived their parent (a workerd whose wrangler was killed): same group
    for (let i = 0; i < 50 && groupAlive(child.pid); i++) await sleep(100);
    if (groupAlive(child.pid)) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  };
  return { child, pid: child.pid, exited, exitInfo: () => exit, output, stop };
}

function record(label, command, args, text, exit, ms) {
  const MAX = 6000;
  const shown = text.length > MAX ? `${text.slice(0, 1500)}\n… (${text.length - MAX} characters left out) …\n${text.slice(-4500)}` : text;
  appendFileSync(
    TRANSCRIPT,
    `# ${label}\n$ ${[command, ...args].join(" ")}\n${shown.replace(/\s+$/, "")}\n[${exit ? `exit ${exit.code ?? exit.signal}` : "stopped by the test"}, ${ms} ms]\n\n`,
  );
}

/**
 * Start a long-running dev server and wait until `url` answers HTTP (any status).
 * @returns {Promise<{url: string, pid: number, output: () => string, stop: () => Promise<void>}>}
 */
export async function startDevServer({ label, command, args, cwd, env, url, timeoutMs = 120_000 }) {
  const started = Date.now();
  const p = spawnGroup(command, args, { cwd, env });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const exitBefore = p.exitInfo();
    await p.stop();
    record(label, command, args, p.output(), exitBefore, Date.now() - started);
  };
  try {
    for (;;) {
      if (p.exitInfo()) throw new Error(`${label} exited before it served ${url}: ${JSON.stringify(p.exitInfo())}\n${p.output()}`);
      if (Date.now() - started > timeoutMs) throw new Error(`${label} did not serve ${url} within ${timeoutMs} ms\n${p.output()}`);
      try {
        const r = await fetch(url, { signal: AbortSignal.timeout(5_000) });
        await r.arrayBuffer();
        break;
      } catch {
        await sleep(250);
      }
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, pid: p.pid, output: p.output, stop, startMs: Date.now() - started };
}

/**
 * Run a command to completion (bounded by timeoutMs; the whole group is stopped on timeout).
 * @returns {Promise<{code: number|null, signal: string|null, out: string, ms: number}>}
 */
export async function runTool({ label, command, args, cwd, env, timeoutMs = 180_000 }) {
  const started = Date.now();
  const p = spawnGroup(command, args, { cwd, env });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    p.stop();
  }, timeoutMs);
  const exit = await p.exited;
  clearTimeout(timer);
  if (!timedOut) await p.stop(); // leftovers in its group, if any
  const ms = Date.now() - started;
  record(label, command, args, p.output(), exit, ms);
  if (timedOut) throw new Error(`${label} timed out after ${timeoutMs} ms\n${p.output()}`);
  return { code: exit.code, signal: exit.signal, error: exit.error, out: p.output(), ms };
}
