// Production realism through a real workerd Worker: the examples in examples/ meet what only shows
// on Cloudflare, switched on in flarekv on purpose (docs/modes.md), and handle it:
//   - rate-limiter: a burst from one IP meets the one-write-per-second-per-key limit
//     (--limits paid, --clock manual so the burst is inside one emulated second);
//   - session-cache at two locations: a logout at one stays invisible at the other until that
//     location's cacheTtl passes (--consistency eventual, --clock manual, --random-seed);
//   - read-through-cache: a fault rule fails its KV reads, it answers from the origin.
// Each case drives one control with the flarekv CLI (`clock advance`, `faults add|clear`) and the
// rest with fetch. Time only moves through the emulated clock: nothing here waits on real time.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, describe } from "node:test";
import { caseCounter } from "../lib/dev-loop.mjs";
import { LAUNCHER, REPO_ROOT, startServer } from "../lib/server.mjs";
import { REQUEST_TIMEOUT_MS, freePort, restApi, startWorkerd } from "../lib/workerd.mjs";

const EXAMPLES = join(REPO_ROOT, "examples");
const EXAMPLE_BINDING = '"127.0.0.1:8791", http = ()';
const CLI_TIMEOUT_MS = 120_000;
const cases = caseCounter("workerd-realism");

/** `flarekv <args> --url <server> --api-token <token>`: the CLI's transcript, exit code 0 asserted. */
function cli(server, args) {
  return new Promise((res, rej) => {
    const child = spawn(LAUNCHER, [...args, "--url", server.origin, "--api-token", server.token], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME ?? "/tmp", JAVA_HOME: process.env.JAVA_HOME ?? "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out = [];
    const err = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    const timer = setTimeout(() => child.kill("SIGKILL"), CLI_TIMEOUT_MS);
    child.on("error", (e) => {
      clearTimeout(timer);
      rej(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString("utf8");
      const stderr = Buffer.concat(err).toString("utf8");
      if (code !== 0) rej(new Error(`flarekv ${args.join(" ")} exited ${code}\n${stdout}${stderr}`));
      else res(stdout);
    });
  });
}

/** A control under /flarekv/v1/ with the server's token; the envelope's result. */
async function control(server, method, path, body) {
  const headers = { authorization: `Bearer ${server.token}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const r = await fetch(`${server.origin}/flarekv/v1/${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const json = await r.json();
  assert.equal(r.status, 200, `${method} /flarekv/v1/${path} -> ${r.status} ${JSON.stringify(json)}`);
  return json.result;
}

/** The binding with the server's token (the examples' configs have none: their server has none). */
const authHeader = (server) => `(name = "Authorization", value = ${JSON.stringify(`Bearer ${server.token}`)})`;

/** workerd running examples/<name>/config.capnp against `server`, on the test's ports. */
function startExample(server, name, modules) {
  const dir = join(EXAMPLES, name);
  return startWorkerd({
    modules: modules.map((m) => join(dir, m)),
    configFile: join(dir, "config.capnp"),
    rewrite(text, port) {
      assert.ok(text.includes(EXAMPLE_BINDING) && text.includes('"127.0.0.1:8080"'), `${name}/config.capnp changed shape`);
      return text
        .replace(EXAMPLE_BINDING, `${JSON.stringify(server.bindingAddress)}, http = (injectRequestHeaders = [ ${authHeader(server)} ])`)
        .replace('"127.0.0.1:8080"', `"127.0.0.1:${port}"`);
    },
  });
}

async function serverWith(extraArgs) {
  return startServer({ extraArgs: ["--binding-namespace", "examples", ...extraArgs] });
}

async function examplesNamespace(api) {
  const id = await api.findNamespace("examples");
  assert.ok(id, "no namespace titled 'examples' (created by --binding-namespace on first use)");
  return id;
}

/** Poll the workerd log until it contains `text` (console output is written asynchronously). */
async function waitForLog(w, text) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const log = await w.logTail(400);
    if (log.includes(text)) return;
    if (Date.now() > deadline) assert.fail(`workerd log never showed ${JSON.stringify(text)}:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("production realism through workerd", { timeout: 5 * 60_000 }, () => {
  after(() => cases.print());

  describe("rate-limiter meets the one-write-per-second limit (--limits paid --clock manual)", () => {
    let server;
    let api;
    let w;
    before(async () => {
      server = await serverWith(["--limits", "paid", "--clock", "manual"]);
      api = restApi(server);
      w = await startExample(server, "rate-limiter", ["worker.js"]);
    }, { timeout: 16 * 60_000 });
    after(async () => {
      await w?.stop();
      await server?.stop();
    });

    const ip = "203.0.113.50";
    const attempt = () => w.fetch("/login", { method: "POST", headers: { "CF-Connecting-IP": ip } });
    const counter = async () => {
      const r = await api.getValue(await examplesNamespace(api), `rl:login:${ip}`);
      assert.equal(r.status, 200, r.text);
      return JSON.parse(r.text);
    };

    cases.it("a burst from one IP gets 429 Retry-After: 1 (not a 500); after `clock advance 1s` an attempt counts again", async () => {
      const first = await attempt();
      assert.equal(first.status, 200);
      assert.deepEqual(await first.json(), { ok: true, remaining: 4 });
      const initial = await counter();
      assert.equal(initial.count, 1);

      // the clock stands still: the next attempts write the same key in the same second
      for (let i = 2; i <= 3; i++) {
        const r = await attempt();
        assert.equal(r.status, 429, `attempt ${i}: ${await r.clone().text()}`);
        assert.equal(r.headers.get("retry-after"), "1");
        assert.deepEqual(await r.json(), { error: "too many login attempts, slow down", retryAfter: 1 });
      }
      await waitForLog(w, "KV PUT failed: 429 Too Many Requests");
      assert.deepEqual(await counter(), initial, "a refused write changes nothing");
      const metrics = await (await fetch(`${server.origin}/metrics`, { headers: { authorization: `Bearer ${server.token}` } })).text();
      assert.match(metrics, /^flarekv_limits_refusals_total\{reason="same_key_write"\} 2\.0$/m);

      const clock = await cli(server, ["clock", "advance", "1s"]);
      assert.match(clock, /^frozen: yes$/m);

      const next = await attempt();
      assert.equal(next.status, 200);
      const later = await counter();
      // the limiter's 15-minute window follows the Worker's own clock (real time); if it rolled
      // over during the test, the counter starts again at 1
      const expected = later.window === initial.window ? 2 : 1;
      assert.equal(later.count, expected);
      assert.deepEqual(await next.json(), { ok: true, remaining: 5 - expected });
    });
  });

  describe("session-cache at two locations (--consistency eventual --clock manual --random-seed 42)", () => {
    let server;
    let api;
    let w;
    let iadUrl;
    before(async () => {
      server = await serverWith(["--consistency", "eventual", "--clock", "manual", "--random-seed", "42"]);
      api = restApi(server);
      const iadPort = await freePort();
      iadUrl = `http://127.0.0.1:${iadPort}`;
      const dir = join(EXAMPLES, "session-cache");
      w = await startWorkerd({
        modules: [join(dir, "worker.js")],
        configFile: join(dir, "locations.capnp"),
        rewrite(text, port) {
          const backend = '"127.0.0.1:8791", http = (\n       injectRequestHeaders = [ ';
          assert.equal(text.split(backend).length, 3, "session-cache/locations.capnp changed shape");
          assert.ok(text.includes('"127.0.0.1:8080"') && text.includes('"127.0.0.1:8081"'), "session-cache/locations.capnp changed shape");
          return text
            .replaceAll(backend, `${JSON.stringify(server.bindingAddress)}, http = (injectRequestHeaders = [ ${authHeader(server)}, `)
            .replace('"127.0.0.1:8080"', `"127.0.0.1:${port}"`)
            .replace('"127.0.0.1:8081"', `"127.0.0.1:${iadPort}"`);
        },
      });
    }, { timeout: 16 * 60_000 });
    after(async () => {
      await w?.stop();
      await server?.stop();
    });

    const me = (at, token) =>
      fetch(`${at}/me`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const advance = (seconds) => control(server, "POST", "clock", { advance: seconds });

    cases.it("a login reaches iad within 61 s; a logout at fra leaves the session valid at iad until iad's cacheTtl (60 s) passes", async () => {
      const fra = w.url;
      const login = await w.fetch("/login", { method: "POST", body: JSON.stringify({ user: "ada" }) });
      assert.equal(login.status, 201);
      const { token } = await login.json();
      assert.equal((await me(fra, token)).status, 200, "fra sees its own write at once");
      assert.equal((await me(iadUrl, token)).status, 401, "the login has not reached iad (which now caches the miss)");

      const clock = await cli(server, ["clock", "advance", "61s"]);
      assert.match(clock, /^frozen: yes$/m);
      const atIad = await me(iadUrl, token);
      assert.equal(atIad.status, 200, "past the cacheTtl of the miss and the propagation delay");
      assert.equal((await atIad.json()).user, "ada");

      assert.equal((await w.fetch("/logout", { method: "POST", headers: { authorization: `Bearer ${token}` } })).status, 204);
      assert.equal((await me(fra, token)).status, 401, "fra sees its own logout at once");
      const ns = await examplesNamespace(api);
      assert.equal((await api.getValue(ns, `session:${token}`)).status, 404, "the central store (REST) has no session");

      assert.equal((await me(iadUrl, token)).status, 200, "iad still serves the session it cached before the logout");
      await advance(59);
      assert.equal((await me(iadUrl, token)).status, 200, "59 s later: still inside iad's cacheTtl");
      await advance(2);
      assert.equal((await me(iadUrl, token)).status, 401, "61 s after iad read it: the logout is visible");
    });
  });

  describe("read-through-cache falls back to its origin on a KV fault", () => {
    let server;
    let api;
    let w;
    before(async () => {
      server = await serverWith([]);
      api = restApi(server);
      w = await startExample(server, "read-through-cache", ["worker.js", "cache.js"]);
    }, { timeout: 16 * 60_000 });
    after(async () => {
      await w?.stop();
      await server?.stop();
    });

    const stats = () => w.fetch("/stats").then((r) => r.json());

    cases.it("a 503 on binding reads (`faults add`) makes it answer from the origin (X-Cache: BYPASS); after `faults clear` it hits KV again", async () => {
      const miss = await w.fetch("/quote/42");
      assert.equal(miss.headers.get("x-cache"), "MISS");
      const cached = await miss.json();
      assert.equal((await w.fetch("/quote/42")).headers.get("x-cache"), "HIT");
      assert.deepEqual(await stats(), { originCalls: 1 });

      const added = await cli(server, ["faults", "add", "--status", "503", "--ops", "get", "--prefix", "cache:", "--surface", "binding"]);
      assert.match(added, /^Added fault rule f1 .*status=503/m);

      const degraded = await w.fetch("/quote/42");
      assert.equal(degraded.status, 200);
      assert.equal(degraded.headers.get("x-cache"), "BYPASS");
      assert.equal(degraded.headers.get("x-cache-error"), "KV GET failed: 503 Service Unavailable");
      assert.equal((await degraded.json()).id, "42");
      assert.deepEqual(await stats(), { originCalls: 2 }, "served by the origin");
      const [rule] = await control(server, "GET", "faults");
      assert.equal(rule.fired, 1);
      const ns = await examplesNamespace(api);
      assert.deepEqual(JSON.parse((await api.getValue(ns, "cache:quote:42")).text), cached, "the cached entry is untouched");

      assert.match(await cli(server, ["faults", "clear"]), /^Removed 1 fault rule\.$/m);
      const healed = await w.fetch("/quote/42");
      assert.equal(healed.headers.get("x-cache"), "HIT");
      assert.equal(healed.headers.get("x-cache-error"), null);
      assert.deepEqual(await healed.json(), cached);
      assert.deepEqual(await stats(), { originCalls: 2 });
    });

    cases.it("a failed cache write still answers the origin's value (X-Cache: MISS with X-Cache-Error), and stores nothing", async () => {
      const rule = await control(server, "POST", "faults", { prefix: "cache:", ops: ["put"], surface: "binding", status: 503 });
      const r = await w.fetch("/quote/9");
      assert.equal(r.status, 200);
      assert.equal(r.headers.get("x-cache"), "MISS");
      assert.equal(r.headers.get("x-cache-error"), "KV PUT failed: 503 Service Unavailable");
      assert.equal((await r.json()).id, "9");
      const ns = await examplesNamespace(api);
      assert.equal((await api.getValue(ns, "cache:quote:9")).status, 404, "a failed write changes nothing");

      await control(server, "DELETE", `faults/${rule.id}`);
      assert.equal((await w.fetch("/quote/9")).headers.get("x-cache"), "MISS");
      assert.equal((await w.fetch("/quote/9")).headers.get("x-cache"), "HIT");
    });
  });
});
