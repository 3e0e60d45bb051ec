// Starts the app's `vite dev` (SvelteKit + adapter-cloudflare, whose platform proxy is wrangler's
// getPlatformProxy) on an ephemeral loopback port, and stops it and everything it spawned.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { terminate } from "../../../../e2e/lib/process.mjs";
import { APP_DIR } from "../support/flarekv.mjs";

const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 10_000;

/** PIDs of every live descendant of `pid` (read from /proc). */
function descendants(pid) {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  const out = [];
  const queue = [pid];
  while (queue.length) {
    for (const c of children.get(queue.shift()) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

/** State and start time of `pid` from /proc/{pid}/stat, or null when it is gone. */
function procStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0], startTime: fields[19] };
  } catch {
    return null;
  }
}

/** Whether the process we saw as `pid` (same start time, so not a reused PID) still runs; a zombie does not. */
const alive = (pid, startTime) => {
  const s = procStat(pid);
  return s !== null && s.state !== "Z" && s.startTime === startTime;
};

/**
 * @param {Record<string, string>} env extra environment for vite
 * @returns {Promise<{ origin: string, pid: number, output: () => string, stop: () => Promise<string[]> }>}
 *   stop() resolves to the descendants that outlived vite and had to be killed
 */
export async function startViteDev(env) {
  const child = spawn(
    process.execPath,
    [join(APP_DIR, "node_modules", "vite", "bin", "vite.js"), "dev", "--host", "127.0.0.1", "--port", "0", "--strictPort"],
    { cwd: APP_DIR, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env, NO_COLOR: "1", FORCE_COLOR: "0" } },
  );
  const pid = child.pid;
  let exited = null;
  const exitPromise = new Promise((res) => child.on("exit", (code, signal) => res((exited = { code, signal }))));
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));

  // descendants seen so far (pid -> start time): esbuild, workerd of the platform proxy
  const known = new Map();
  const remember = () => {
    if (exited) return;
    for (const p of descendants(pid)) {
      const s = procStat(p);
      if (s) known.set(p, s.startTime);
    }
  };
  const stop = async () => {
    remember();
    await terminate(pid, exitPromise, () => exited !== null, STOP_GRACE_MS);
    // they should go with vite (Miniflare stops workerd on exit); give them a bounded while, then kill
    const running = () => [...known].filter(([p, t]) => alive(p, t)).map(([p]) => p);
    for (const deadline = Date.now() + STOP_GRACE_MS; running().length && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const leftovers = running();
    for (const p of leftovers) {
      try {
        process.kill(p, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    return leftovers.map(String);
  };

  try {
    const origin = await new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`vite dev printed no Local URL within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      const check = () => {
        const m = /Local:\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
        if (m) {
          clearTimeout(timer);
          res(m[1]);
        }
      };
      child.stdout.on("data", check);
      exitPromise.then((e) => {
        clearTimeout(timer);
        rej(new Error(`vite dev exited (${JSON.stringify(e)})`));
      });
    });
    return { origin, pid, output: () => output, stop, remember };
  } catch (e) {
    await stop();
    e.message += `\n--- vite output ---\n${output}`;
    throw e;
  }
}
