// `flarekv-miniflare init` on wrangler.toml / wrangler.json / wrangler.jsonc, through the real CLI.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { parse as parseToml } from "smol-toml";
import { parse as parseJsonc } from "jsonc-parser";
import { PKG_DIR } from "./helpers.mjs";

const BIN = join(PKG_DIR, "bin", "flarekv-miniflare.mjs");
const FIXTURES = join(PKG_DIR, "test", "fixtures");

/** Runs the CLI in cwd: {code, stdout, stderr}. */
async function cli(cwd, ...args) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (e) {
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A temp dir holding the fixture under `name`; returns [dir, path, original text]. */
async function project(fixture, name = fixture) {
  const dir = await mkdtemp(join(tmpdir(), "flarekv-miniflare-init-"));
  await copyFile(join(FIXTURES, fixture), join(dir, name));
  return [dir, join(dir, name), await readFile(join(dir, name), "utf8")];
}

/** True when `after` is `before` with one piece of text inserted (nothing else changed). */
function isPureInsertion(before, after) {
  let p = 0;
  while (p < before.length && before[p] === after[p]) p++;
  let s = 0;
  while (s < before.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  return p + s === before.length && after.length > before.length;
}

const binding = (name, options = {}) => ({
  name,
  type: "kv_namespace",
  dev: { plugin: { package: "flarekv-miniflare", name: "flarekv" }, options: { address: "127.0.0.1:8791", namespace: name, ...options } },
});

describe("init on wrangler.toml", () => {
  test("appends a marked env.flarekv block; every original byte (comments included) stays", async () => {
    const [dir, file, original] = await project("wrangler.toml");
    const r = await cli(dir, "init");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /set env\.flarekv in wrangler\.toml: AUTH_SESSION_KV, CACHE_KV on flarekv; copied from the top level: vars, d1_databases/);
    const text = await readFile(file, "utf8");
    assert.ok(text.startsWith(original), "the original text is an exact prefix");
    assert.match(text.slice(original.length), /^\n# >>> flarekv-miniflare init[^\n]*\n[\s\S]*# <<< flarekv-miniflare init\n$/);
    const config = parseToml(text);
    assert.deepEqual(JSON.parse(JSON.stringify(config.env.flarekv)), {
      kv_namespaces: [],
      vars: { GREETING: "hello" },
      d1_databases: [{ binding: "DB", database_name: "users", database_id: "4e1c28a9-90e4-41da-8b4b-6cf36e5abb29" }],
      unsafe: { bindings: [binding("AUTH_SESSION_KV"), binding("CACHE_KV")] },
    });
    assert.deepEqual(JSON.parse(JSON.stringify(config.env.staging)), { name: "session-app-staging", vars: { GREETING: "hello from staging" } });
  });

  test("a re-run is idempotent and replaces only its own block", async () => {
    const [dir, file, original] = await project("wrangler.toml");
    assert.equal((await cli(dir, "init")).code, 0);
    const once = await readFile(file, "utf8");
    const again = await cli(dir, "init");
    assert.equal(again.code, 0);
    assert.match(again.stderr, /unchanged: env\.flarekv/);
    assert.equal(await readFile(file, "utf8"), once);
    // the user adds a binding and changes the address: the block follows, the rest stays
    await writeFile(file, once.replace("[[d1_databases]]", '[[kv_namespaces]]\nbinding = "THIRD"\nid = "x"\n\n[[d1_databases]]'));
    assert.equal((await cli(dir, "init", "--address", "127.0.0.1:9999")).code, 0);
    const text = await readFile(file, "utf8");
    assert.equal(text.split("# >>> flarekv-miniflare init").length, 2, "one block");
    assert.ok(text.startsWith(original.replace("[[d1_databases]]", '[[kv_namespaces]]\nbinding = "THIRD"\nid = "x"\n\n[[d1_databases]]')));
    const bindings = parseToml(text).env.flarekv.unsafe.bindings;
    assert.deepEqual(bindings.map((b) => [b.name, b.dev.options.address]), [
      ["AUTH_SESSION_KV", "127.0.0.1:9999"], ["CACHE_KV", "127.0.0.1:9999"], ["THIRD", "127.0.0.1:9999"],
    ]);
  });

  test("a hand-written env.flarekv is refused and the file is left alone", async () => {
    const [dir, file] = await project("wrangler.toml");
    const hand = (await readFile(file, "utf8")) + '\n[env.flarekv]\nname = "mine"\n';
    await writeFile(file, hand);
    const r = await cli(dir, "init");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /wrangler\.toml already has a hand-written env\.flarekv section; init leaves it alone\. Remove it, or choose another environment name with --env <name>/);
    assert.equal(await readFile(file, "utf8"), hand);
    // another name works
    assert.equal((await cli(dir, "init", "--env", "flarekv-dev")).code, 0);
    assert.equal(parseToml(await readFile(file, "utf8"))["env"]["flarekv-dev"].unsafe.bindings.length, 2);
  });

  test("--dry-run prints the result and writes nothing; --api-token-env writes the variable's name only", async () => {
    const [dir, file, original] = await project("wrangler.toml");
    const r = await cli(dir, "init", "--dry-run", "--api-token-env", "MY_FLAREKV_TOKEN");
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.startsWith(original));
    assert.equal(parseToml(r.stdout).env.flarekv.unsafe.bindings[0].dev.options.api_token_env, "MY_FLAREKV_TOKEN");
    assert.equal(await readFile(file, "utf8"), original);
  });
});

describe("init on wrangler.jsonc / wrangler.json", () => {
  test("jsonc: a pure insertion; comments and formatting stay; re-run idempotent", async () => {
    const [dir, file, original] = await project("wrangler.jsonc");
    const r = await cli(dir, "init");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /copied from the top level: vars, r2_buckets/);
    const text = await readFile(file, "utf8");
    assert.ok(isPureInsertion(original, text), text);
    assert.match(text, /\n\t\t"flarekv": \{\n\t\t\t"kv_namespaces": \[\],/, "indented with the file's tabs");
    const config = parseJsonc(text);
    assert.deepEqual(config.env.flarekv, {
      kv_namespaces: [],
      vars: { GREETING: "hello" },
      r2_buckets: [{ binding: "FILES", bucket_name: "files" }],
      unsafe: { bindings: [binding("AUTH_SESSION_KV"), binding("CACHE_KV")] },
    });
    assert.equal((await cli(dir, "init")).code, 0);
    assert.equal(await readFile(file, "utf8"), text);
  });

  test("json: stays strict JSON; the env object is created", async () => {
    const [dir, file, original] = await project("wrangler.json");
    assert.equal((await cli(dir, "init", "--address", "localhost:8791")).code, 0);
    const text = await readFile(file, "utf8");
    assert.ok(isPureInsertion(original, text));
    const config = JSON.parse(text);
    assert.deepEqual(config.env.flarekv, {
      kv_namespaces: [],
      services: [{ binding: "AUTH", service: "auth-worker" }],
      unsafe: { bindings: [binding("AUTH_SESSION_KV", { address: "localhost:8791" })] },
    });
  });

  test("jsonc: a hand-written env.flarekv is refused", async () => {
    const [dir, file] = await project("wrangler.jsonc");
    const hand = (await readFile(file, "utf8")).replace('"staging": {', '"flarekv": { "vars": { "A": "1" } },\n\t\t"staging": {');
    await writeFile(file, hand);
    const r = await cli(dir, "init");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /wrangler\.jsonc already has a hand-written env\.flarekv section/);
    assert.equal(await readFile(file, "utf8"), hand);
  });
});

describe("init errors", () => {
  test("no config, two configs, no kv_namespaces, bad --address", async () => {
    const empty = await mkdtemp(join(tmpdir(), "flarekv-miniflare-init-"));
    assert.match((await cli(empty, "init")).stderr, /no wrangler\.toml \/ wrangler\.json \/ wrangler\.jsonc in .*; run init where it is, or give --config <file>/);
    const [two] = await project("wrangler.toml");
    await copyFile(join(FIXTURES, "wrangler.json"), join(two, "wrangler.json"));
    assert.match((await cli(two, "init")).stderr, /several wrangler configs .*\(wrangler\.toml, wrangler\.json\); choose one with --config <file>/);
    assert.equal((await cli(two, "init", "--config", "wrangler.json")).code, 0);
    await writeFile(join(empty, "wrangler.toml"), 'name = "x"\n');
    const none = await cli(empty, "init");
    assert.equal(none.code, 2);
    assert.match(none.stderr, /wrangler\.toml has no top-level kv_namespaces: nothing to back with flarekv/);
    const [dir] = await project("wrangler.toml");
    assert.match((await cli(dir, "init", "--address", "8791")).stderr, /address must be "host:port"/);
    assert.match((await cli(dir, "frobnicate")).stderr, /unknown command frobnicate/);
  });
});

// wrangler itself reads the generated section (when e2e/ has wrangler installed)
const WRANGLER = join(PKG_DIR, "..", "..", "e2e", "node_modules", "wrangler", "wrangler-dist", "cli.js");
describe("wrangler reads the generated env", { skip: !existsSync(WRANGLER) && "e2e/node_modules/wrangler not installed" }, () => {
  for (const fixture of ["wrangler.toml", "wrangler.jsonc"]) {
    test(`${fixture}: unstable_getMiniflareWorkerOptions(..., "flarekv") gives the plugin bindings`, async () => {
      const [dir, file] = await project(fixture);
      assert.equal((await cli(dir, "init")).code, 0);
      process.env.WRANGLER_LOG = "error"; // its warnings (unsafe is experimental, ...) are expected
      const { unstable_getMiniflareWorkerOptions } = await import(pathToFileURL(WRANGLER).href);
      const { workerOptions } = unstable_getMiniflareWorkerOptions(file, "flarekv");
      assert.deepEqual(
        workerOptions.unsafeBindings.map((b) => [b.name, b.type, b.plugin.package, b.plugin.name, b.options.namespace]),
        [
          ["AUTH_SESSION_KV", "kv_namespace", "flarekv-miniflare", "flarekv", "AUTH_SESSION_KV"],
          ["CACHE_KV", "kv_namespace", "flarekv-miniflare", "flarekv", "CACHE_KV"],
        ],
      );
      assert.equal(workerOptions.bindings.GREETING, "hello", "vars carried over");
      assert.deepEqual(Object.keys(workerOptions.kvNamespaces ?? {}), [], "no Miniflare-local KV left");
    });
  }
});
