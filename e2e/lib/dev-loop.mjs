// Shared pieces of the dev-loop suites (e2e/test/dev-loop-*.test.mjs): the fixture project copied
// with the test server's binding address, the scenario parameters, the REST side of each case and
// the per-tool case count line that .ci/run output shows.
import assert from "node:assert/strict";
import { cpSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { CASES, scenarios } from "../workers/dev-loop-kv.js";
import { E2E_ROOT, OUT_DIR } from "./wrangler.mjs";

export { CASES, scenarios };
export const FIXTURE = join(E2E_ROOT, "fixtures", "dev-loop");
export const BIN = (name) => join(E2E_ROOT, "node_modules", ".bin", name);
export const DEFAULT_ADDRESS = "127.0.0.1:8791";

/**
 * Copy the fixture project (wrangler.jsonc, vite / vitest configs, tests) to e2e/out/dev-loop-<tool>
 * (same depth as e2e/fixtures/dev-loop, so `main` and imports of ../../workers still resolve and
 * node_modules is e2e's), with the default binding address replaced by the test server's.
 * @returns {string} the directory
 */
export function fixtureCopy(tool, bindingAddress) {
  const dir = join(OUT_DIR, `dev-loop-${tool}`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(FIXTURE, dir, { recursive: true, filter: (src) => !/[\\/](node_modules|\.wrangler|\.mf)$/.test(src) });
  for (const f of walk(dir)) {
    const text = readFileSync(f, "utf8");
    if (text.includes(DEFAULT_ADDRESS)) writeFileSync(f, text.replaceAll(DEFAULT_ADDRESS, bindingAddress));
  }
  return dir;
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/**
 * Parameters of one tool's scenario run: its key prefix, an absolute expiration (an hour ahead) and
 * `now`, read when the parameters are sent (a getter: the first suite may spend minutes building
 * the server jar after the parameters were made). Extra fields are copied in.
 */
export function scenarioParams(tool, extra = {}) {
  const clock = () => Math.floor(Date.now() / 1000);
  return Object.assign({ tool, pre: `${tool}:`, exp: clock() + 3600, get now() { return clock(); } }, extra);
}

/** REST writes the tool reads later (read-rest, delete). */
export async function seedOverRest(api, ns, p) {
  const form = new FormData();
  form.set("value", "written over REST");
  form.set("metadata", JSON.stringify({ via: "rest" }));
  await api.ok("PUT", `/${ns}/values/${encodeURIComponent(`${p.pre}from-rest`)}?expiration=${p.exp}`, form);
  await api.putValue(ns, `${p.pre}del-rest`, "deleted by the tool");
}

/** What REST must show after the write scenario. */
export async function checkWriteOverRest(api, ns, p) {
  const got = await api.getValue(ns, `${p.pre}written`);
  assert.equal(got.status, 200, `REST GET ${p.pre}written`);
  assert.equal(got.text, `written by ${p.tool}`);
  const meta = await api.getMetadata(ns, `${p.pre}written`);
  assert.deepEqual(meta.json?.result, { tool: p.tool });
  assert.deepEqual(await api.listKeys(ns, `${p.pre}written`), [{ name: `${p.pre}written`, expiration: p.exp, metadata: { tool: p.tool } }]);
}

/** What REST must show after the delete and expiration scenarios. */
export async function checkDeleteAndExpirationOverRest(api, ns, p) {
  assert.equal((await api.getValue(ns, `${p.pre}del`)).status, 404);
  assert.equal((await api.getValue(ns, `${p.pre}del-rest`)).status, 404);
  const exp = await api.listKeys(ns, `${p.pre}exp:`);
  assert.deepEqual(exp.map((k) => k.name), [`${p.pre}exp:abs`, `${p.pre}exp:ttl`]);
  assert.equal(exp[0].expiration, p.exp);
  assert.ok(Math.abs(exp[1].expiration - (p.now + 120)) <= 30, `expirationTtl 120 -> ${exp[1].expiration}`);
}

/** The keys the getWithMetadata, list and bulk-get scenarios wrote, as REST sees them. */
export async function checkScenarioKeysOverRest(api, ns, p) {
  assert.deepEqual((await api.getMetadata(ns, `${p.pre}gwm`)).json?.result, { owner: p.tool, n: 1, s: "é" });
  const listed = await api.listKeys(ns, `${p.pre}lst:`);
  assert.deepEqual(listed.map((k) => k.name), ["a", "b", "c", "d", "e"].map((k) => `${p.pre}lst:${k}`));
  assert.equal((await api.getValue(ns, `${p.pre}bk:obj`)).text, '{"x":1}');
}

/** Prints `e2e[<tool>]: N cases` (cases that passed) once the suite is done. */
export function caseCounter(tool) {
  let passed = 0;
  let total = 0;
  return {
    it(name, fn, opts) {
      total++;
      return it(name, opts ?? {}, async (t) => {
        await fn(t);
        passed++;
      });
    },
    add(n) {
      passed += n;
      total += n;
    },
    print() {
      console.log(`e2e[${tool}]: ${passed} case${passed === 1 ? "" : "s"}${passed === total ? "" : ` (${total - passed} of ${total} failed)`}`);
    },
  };
}

/**
 * Register the scenario cases for one tool. `call(name, p)` runs a scenario in the tool and returns
 * {ok: true, result} or {ok: false, error: {message}}.
 * @param {{cases: ReturnType<typeof caseCounter>, call: (name: string, p: object) => Promise<any>,
 *   api: () => any, ns: () => string, params: () => object}} o
 */
export function scenarioCases({ cases, call, api, ns, params }) {
  const ok = async (name) => {
    const r = await call(name, params());
    if (!r.ok) assert.fail(`${name} threw ${r.error?.name}: ${r.error?.message}`);
    assert.deepEqual(r.result, scenarios[name].want(params()));
    return r.result;
  };
  cases.it("a write by the tool is read back over REST (value, metadata, expiration)", async () => {
    await ok("write");
    await checkWriteOverRest(api(), ns(), params());
  });
  cases.it("a REST write is read by the tool (getWithMetadata, list expiration)", async () => {
    await seedOverRest(api(), ns(), params());
    await ok("read-rest");
  });
  cases.it("getWithMetadata: metadata, none, missing key", () => ok("getWithMetadata"));
  cases.it("list: prefix, limit 2 pages by cursor, metadata", () => ok("list"));
  cases.it("bulk get([...]): text, json, getWithMetadata, missing -> null", async () => {
    await ok("bulk-get");
    // what these three scenarios wrote is in flarekv, not in a private Miniflare store
    await checkScenarioKeysOverRest(api(), ns(), params());
  });
  cases.it("delete: a key of its own and a REST-written key; REST then answers 404", async () => {
    await ok("delete");
    assert.equal((await api().getValue(ns(), `${params().pre}del`)).status, 404);
    assert.equal((await api().getValue(ns(), `${params().pre}del-rest`)).status, 404);
  });
  cases.it("expiration and expirationTtl, as listed by the tool and by REST", async () => {
    await ok("expiration");
    await checkDeleteAndExpirationOverRest(api(), ns(), params());
  });
  cases.it("expirationTtl 30 reaches the Worker as Cloudflare's message", async () => {
    const r = await call("err-ttl-30", params());
    assert.equal(r.ok, false, `expirationTtl 30 was accepted: ${JSON.stringify(r.result)}`);
    assert.equal(r.error.message, scenarios["err-ttl-30"].wantError);
  });
}

/** A `call` that asks a Worker over HTTP: GET <base>/<name>?p=<JSON>. */
export function httpCall(base, timeoutMs = 30_000) {
  return async (name, p) => {
    const res = await fetch(`${base}/${name}?p=${encodeURIComponent(JSON.stringify(p))}`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`${name}: HTTP ${res.status}, not JSON: ${text.slice(0, 2000)}`);
    }
  };
}

/** A `call` that runs the scenario in this process on a Node-side binding proxy. */
export function nodeCall(kv) {
  return async (name, p) => {
    try {
      return { ok: true, result: await scenarios[name].run(kv(), p) };
    } catch (e) {
      return { ok: false, error: { name: e?.name, message: e?.message ?? String(e) } };
    }
  };
}
