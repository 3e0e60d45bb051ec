// The two ordinary install forms, each into a project that has its own miniflare:
// `npm install <dir>` (a symlink: Node resolves the plugin's own imports from its real path, where
// another miniflare copy lives) and `npm install <npm pack tarball>`. In both, the project's Miniflare
// loads the plugin by package name, a Worker uses the binding and mf.getBindings() works (it checks
// `instanceof ProxyNodeBinding` against the project's miniflare).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PKG_DIR, rest, startServer } from "./helpers.mjs";

const run = promisify(execFile);
const MINIFLARE = JSON.parse(await readFile(join(PKG_DIR, "package.json"), "utf8")).devDependencies.miniflare;
const NPM_TIMEOUT_MS = 5 * 60_000;

const npm = (cwd, ...args) =>
  run("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline"], { cwd, timeout: NPM_TIMEOUT_MS });

const PROBE = `
import { Miniflare } from "miniflare";
const [address, token, key] = process.argv.slice(2);
const mf = new Miniflare({
  modules: true,
  compatibilityDate: "2025-01-01",
  script: 'export default { async fetch(r, env) { await env.KV.put("${"${key}"}", "from the Worker"); return new Response(await env.KV.get("${"${key}"}")); } }'.replaceAll("${"${key}"}", key),
  unsafeBindings: [{ name: "KV", type: "kv_namespace",
    plugin: { package: "flarekv-miniflare", name: "flarekv" },
    options: { address, api_token: token, namespace: "installed" } }],
});
try {
  const worker = await (await mf.dispatchFetch("http://worker/")).text();
  const env = await mf.getBindings();
  await env.KV.put(key + ":node", "from Node");
  console.log(JSON.stringify({ worker, node: await env.KV.get(key + ":node") }));
} finally {
  await mf.dispose();
}
`;

describe("install forms", () => {
  let server, api, project;
  before(async () => {
    server = await startServer();
    api = rest(server);
    project = await mkdtemp(join(tmpdir(), "flarekv-miniflare-install-"));
    await writeFile(join(project, "package.json"), JSON.stringify({ name: "probe", private: true, type: "module" }));
    await writeFile(join(project, "probe.mjs"), PROBE);
    await npm(project, "install", `miniflare@${MINIFLARE}`);
  });
  after(async () => {
    await server?.stop();
    if (project) await rm(project, { recursive: true, force: true });
  });

  async function probe(key) {
    const { stdout } = await run(process.execPath, ["probe.mjs", server.bindingAddress, server.token, key], {
      cwd: project,
      timeout: 120_000,
      env: { ...process.env, FLAREKV_API_TOKEN: "" },
    });
    const out = JSON.parse(stdout.trim().split("\n").pop());
    assert.deepEqual(out, { worker: "from the Worker", node: "from Node" });
    const ns = (await api.listNamespaces()).find((n) => n.title === "installed");
    assert.equal((await api.getValue(ns.id, key)).text, "from the Worker");
    assert.equal((await api.getValue(ns.id, `${key}:node`)).text, "from Node");
  }

  test("npm install <dir> (symlink), with another miniflare next to the plugin's real path", async () => {
    await npm(project, "install", PKG_DIR);
    const link = join(project, "node_modules", "flarekv-miniflare");
    assert.equal(await realpath(link), await realpath(PKG_DIR), "installed as a symlink");
    // the pitfall is real here: two miniflare copies, the plugin's own one differs from the project's
    assert.notEqual(
      await realpath(join(PKG_DIR, "node_modules", "miniflare")),
      await realpath(join(project, "node_modules", "miniflare")),
    );
    await probe("symlink");
    const { stdout } = await run("npx", ["--no-install", "flarekv-miniflare", "--help"], { cwd: project });
    assert.match(stdout, /usage: flarekv-miniflare init/);
  });

  test("npm pack tarball", async () => {
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", project], { cwd: PKG_DIR });
    const [packed] = JSON.parse(stdout);
    const files = packed.files.map((f) => f.path);
    assert.ok(files.includes("src/index.mjs") && files.includes("bin/flarekv-miniflare.mjs") && files.includes("README.md"), files.join(" "));
    assert.ok(!files.some((f) => f.startsWith("test/")), "tests are not packed");
    await npm(project, "install", join(project, packed.filename));
    const installed = join(project, "node_modules", "flarekv-miniflare");
    assert.equal(await realpath(installed), installed, "installed as a directory");
    await probe("tarball");
    const help = await run("npx", ["--no-install", "flarekv-miniflare", "--help"], { cwd: project });
    assert.match(help.stdout, /usage: flarekv-miniflare init/);
  });
});
