// Starts a real flarekv server through the repository launcher (../flarekv), on 127.0.0.1,
// with a fresh data directory and a random API token. One server per test file.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { terminate } from "./process.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, "..", "..");
// FLAREKV_E2E_LAUNCHER lets a developer point the suites at another launcher (e.g. a saved jar).
export const LAUNCHER = process.env.FLAREKV_E2E_LAUNCHER || join(REPO_ROOT, "flarekv");

// The first start may build the jar with Maven (clean clone): allow for that.
const START_TIMEOUT_MS = Number(process.env.FLAREKV_E2E_START_TIMEOUT_MS ?? 15 * 60 * 1000);
const STOP_GRACE_MS = 10_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {{accountId?: string, token?: string|null, extraArgs?: string[]}} [opts]
 * @returns {Promise<{baseUrl: string, origin: string, token: string, accountId: string,
 *   dataDir: string, logFile: string, pid: number, stop: () => Promise<void>, logTail: () => Promise<string>}>}
 */
export async function startServer(opts = {}) {
  const work = await mkdtemp(join(tmpdir(), "flarekv-e2e-"));
  const dataDir = join(work, "data");
  const logFile = join(work, "server.log");
  const token = opts.token === undefined ? randomBytes(16).toString("hex") : opts.token;
  const accountId = opts.accountId ?? randomBytes(16).toString("hex");

  const args = ["serve", "--port", "0", "--binding-port", "auto", "--data-dir", dataDir, "--account-id", accountId];
  if (token) args.push("--api-token", token);
  args.push(...(opts.extraArgs ?? []));

  const log = createWriteStream(logFile);
  const child = spawn(LAUNCHER, args, {
    cwd: work,
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
  child.stderr.on("data", (d) => log.write(d));

  const logTail = async (n = 60) => {
    try {
      const txt = await readFile(logFile, "utf8");
      return txt.split("\n").slice(-n).join("\n");
    } catch {
      return "";
    }
  };

  // Parse "flarekv listening: CLOUDFLARE_API_BASE_URL=http://127.0.0.1:41234/client/v4 (data: ...)"
  let bindingAddress = null;
  const baseUrl = await new Promise((res, rej) => {
    let buf = "";
    const timer = setTimeout(
      () => rej(new Error(`flarekv did not print its listening line within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    child.stdout.on("data", (d) => {
      log.write(d);
      buf += d.toString("utf8");
      const m = /CLOUDFLARE_API_BASE_URL=(\S+)/.exec(buf);
      const b = /FLAREKV_BINDING_ADDRESS=(\S+)/.exec(buf);
      if (m) {
        bindingAddress = b ? b[1] : null;
        clearTimeout(timer);
        res(m[1]);
      }
    });
    child.on("exit", async (code, signal) => {
      clearTimeout(timer);
      rej(new Error(`flarekv exited before listening (code ${code}, signal ${signal}):\n${await logTail()}`));
    });
  }).catch(async (e) => {
    if (!exited) child.kill("SIGKILL");
    // the error already carries the log tail; drop the temp dir unless asked to keep it
    if (!process.env.FLAREKV_E2E_KEEP) await rm(work, { recursive: true, force: true });
    throw e;
  });

  const origin = new URL(baseUrl).origin;
  if (new URL(baseUrl).hostname !== "127.0.0.1") {
    child.kill("SIGKILL");
    throw new Error(`flarekv must listen on 127.0.0.1 only, got ${baseUrl}`);
  }

  // Wait for /healthz.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`flarekv exited while starting:\n${await logTail()}`);
    try {
      const r = await fetch(`${origin}/healthz`);
      if (r.status === 200) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`flarekv /healthz not 200 within 60 s:\n${await logTail()}`);
    }
    await sleep(100);
  }

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // SIGTERM to exactly this PID (the launcher exec's java, so it is the JVM), SIGKILL after the grace period
    await terminate(pid, exitPromise, () => exited !== null, STOP_GRACE_MS);
    log.end();
    if (!process.env.FLAREKV_E2E_KEEP) await rm(work, { recursive: true, force: true });
  };

  return { baseUrl, bindingAddress, origin, token, accountId, dataDir, logFile, pid, stop, logTail, exitInfo: () => exited };
}
