// `flarekv kv …` (the CLI, run through the repository launcher ../flarekv) and wrangler 4.86.0
// driven by the SAME wrangler.toml and the SAME environment (CLOUDFLARE_API_BASE_URL,
// CLOUDFLARE_API_TOKEN, CLOUDFLARE_ACCOUNT_ID) against one flarekv server: each must see what the
// other wrote, and both must print the same listings.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { LAUNCHER, startServer } from "../lib/server.mjs";
import { parseJsonOutput, wrangler, wranglerSandbox } from "../lib/wrangler.mjs";

const CLI_TIMEOUT_MS = 120_000;

let server;
let sb;
let env;
let nsId;

const BIN = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** The environment both programs get: wrangler's variables and nothing else of ours. */
function sharedEnv(accountId) {
  const e = {
    CLOUDFLARE_API_BASE_URL: server.baseUrl,
    CLOUDFLARE_API_TOKEN: server.token,
  };
  if (accountId) e.CLOUDFLARE_ACCOUNT_ID = accountId;
  return e;
}

/** Runs `../flarekv <args>` in the sandbox's working directory with only the shared variables. */
function flarekv(args, { extraEnv = {}, accountId = server.accountId, stdin = "" } = {}) {
  return new Promise((res, rej) => {
    const child = spawn(LAUNCHER, args, {
      cwd: sb.cwd,
      env: { PATH: process.env.PATH, HOME: sb.root, JAVA_HOME: process.env.JAVA_HOME ?? "", ...sharedEnv(accountId), ...extraEnv },
      stdio: ["pipe", "pipe", "pipe"],
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
      const stdoutBytes = Buffer.concat(out);
      res({ code, stdoutBytes, stdout: stdoutBytes.toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
    child.stdin.end(stdin);
  });
}

/** wrangler with the same working directory and variables (env is passed explicitly). */
function w(args, { accountId = server.accountId } = {}) {
  return wrangler(args, { server, sandbox: sb, accountId, label: "cli.test: shared config" });
}

function assertOk(r, what) {
  assert.equal(r.code, 0, `${what} exited ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr ?? ""}${r.out ?? ""}`);
}

describe("flarekv kv and wrangler share one wrangler.toml and environment", { timeout: 20 * 60_000 }, () => {
  before(async () => {
    server = await startServer();
    sb = await wranglerSandbox();
    env = sharedEnv(server.accountId);
  }, { timeout: 16 * 60_000 });

  after(async () => {
    await server?.stop();
    if (!process.env.FLAREKV_E2E_KEEP) await sb?.remove();
  });

  it("flarekv kv namespace create prints the id and a [[kv_namespaces]] snippet", async () => {
    const r = await flarekv(["kv", "namespace", "create", "cli-shared"]);
    assertOk(r, "flarekv kv namespace create");
    assert.match(r.stdout, /Success!/);
    assert.match(r.stdout, /\[\[kv_namespaces\]\]\nbinding = "cli_shared"\nid = "[0-9a-f]{32}"\n/);
    nsId = /id = "([0-9a-f]{32})"/.exec(r.stdout)[1];
    writeFileSync(
      join(sb.cwd, "wrangler.toml"),
      `name = "cli-e2e"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\n\n[[kv_namespaces]]\nbinding = "SHARED"\nid = "${nsId}"\n`,
    );
    assert.equal(env.CLOUDFLARE_ACCOUNT_ID, server.accountId);
  });

  it("wrangler writes through --binding, flarekv reads it through the same binding", async () => {
    assertOk(await w(["kv", "key", "put", "from-wrangler", "hello from wrangler", "--binding", "SHARED", "--remote"]), "wrangler key put");
    const r = await flarekv(["kv", "key", "get", "from-wrangler", "--binding", "SHARED", "--remote"]);
    assertOk(r, "flarekv key get");
    assert.equal(r.stdout, "hello from wrangler");
    assert.equal(r.stderr, "");
  });

  it("flarekv writes binary bytes with --path and metadata, wrangler reads the same bytes", async () => {
    writeFileSync(join(sb.cwd, "blob.bin"), BIN);
    const put = await flarekv(["kv", "key", "put", "from-flarekv", "--path", "blob.bin", "--binding", "SHARED", "--metadata", '{"by":"flarekv"}']);
    assertOk(put, "flarekv key put --path");
    const r = await w(["kv", "key", "get", "from-flarekv", "--binding", "SHARED", "--remote"]);
    assertOk(r, "wrangler key get");
    assert.deepEqual(r.stdoutBytes, BIN);
    const mine = await flarekv(["kv", "key", "get", "from-flarekv", "--binding", "SHARED"]);
    assert.deepEqual(mine.stdoutBytes, BIN);
  });

  it("both print the same key listing and the same namespace listing", async () => {
    const wk = await w(["kv", "key", "list", "--binding", "SHARED", "--remote"]);
    assertOk(wk, "wrangler key list");
    const fk = await flarekv(["kv", "key", "list", "--binding", "SHARED"]);
    assertOk(fk, "flarekv key list");
    assert.deepEqual(JSON.parse(fk.stdout), parseJsonOutput(wk.stdout));
    assert.deepEqual(JSON.parse(fk.stdout).map((k) => k.name), ["from-flarekv", "from-wrangler"]);
    assert.deepEqual(JSON.parse(fk.stdout)[0].metadata, { by: "flarekv" });

    const wn = await w(["kv", "namespace", "list"]);
    assertOk(wn, "wrangler namespace list");
    const fn = await flarekv(["kv", "namespace", "list"]);
    assertOk(fn, "flarekv namespace list");
    assert.deepEqual(JSON.parse(fn.stdout), parseJsonOutput(wn.stdout));
  });

  it("flarekv bulk put, wrangler bulk get; the colon alias kv:bulk works", async () => {
    const items = Array.from({ length: 1005 }, (_, i) => ({ key: `bulk-${String(i).padStart(4, "0")}`, value: `v${i}` }));
    writeFileSync(join(sb.cwd, "items.json"), JSON.stringify(items));
    const put = await flarekv(["kv:bulk", "put", "items.json", "--binding", "SHARED"]);
    assertOk(put, "flarekv kv:bulk put");
    assert.equal(put.stdout, "Success!\n");
    assert.equal(put.stderr, "", "no progress bar when stderr is not a terminal");
    writeFileSync(join(sb.cwd, "keys.json"), JSON.stringify(["bulk-0000", "bulk-1004", "nope"]));
    const got = await w(["kv", "bulk", "get", "keys.json", "--binding", "SHARED", "--remote"]);
    assertOk(got, "wrangler bulk get");
    assert.deepEqual(parseJsonOutput(got.stdout), { "bulk-0000": "v0", "bulk-1004": "v1004", nope: null });
    const mine = await flarekv(["kv", "bulk", "get", "keys.json", "--binding", "SHARED"]);
    assert.deepEqual(parseJsonOutput(mine.stdout), parseJsonOutput(got.stdout));
  });

  it("without CLOUDFLARE_ACCOUNT_ID both discover the same account through /memberships", async () => {
    const wn = await w(["kv", "namespace", "list"], { accountId: null });
    assertOk(wn, "wrangler namespace list (discovery)");
    const fn = await flarekv(["kv", "namespace", "list"], { accountId: null });
    assertOk(fn, "flarekv namespace list (discovery)");
    assert.deepEqual(JSON.parse(fn.stdout), parseJsonOutput(wn.stdout));
    assert.ok(JSON.parse(fn.stdout).some((n) => n.id === nsId));
  });

  it("failures: one line on stderr and exit 1, like wrangler's non-zero exit", async () => {
    const missing = await flarekv(["kv", "key", "get", "nope", "--binding", "SHARED"]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, "");
    assert.equal(missing.stderr.trimEnd().split("\n").length, 1, missing.stderr);
    assert.match(missing.stderr, /^flarekv: Value not found for key "nope"/);
    const wMissing = await w(["kv", "key", "get", "nope", "--binding", "SHARED", "--remote"]);
    assert.equal(wMissing.code, 1);

    const badToken = await flarekv(["kv", "namespace", "list"], { extraEnv: { CLOUDFLARE_API_TOKEN: "wrong" } });
    assert.equal(badToken.code, 1);
    assert.match(badToken.stderr, /^flarekv: .*\[code: 10000\]/);
    assert.doesNotMatch(badToken.stderr, /\tat /);

    const down = await flarekv(["kv", "namespace", "list"], { extraEnv: { CLOUDFLARE_API_BASE_URL: "http://127.0.0.1:9/client/v4" } });
    assert.equal(down.code, 1);
    assert.equal(down.stderr, "flarekv: cannot reach flarekv at http://127.0.0.1:9/client/v4\n");

    const meta = await flarekv(["kv", "key", "put", "k", "v", "--binding", "SHARED", "--metadata", "[1]"]);
    assert.equal(meta.code, 1);
    assert.equal(meta.stderr, "flarekv: --metadata must be a JSON object. Received: [1]\n");
  });

  it("namespace delete asks for confirmation on stdin; -y skips it", async () => {
    const no = await flarekv(["kv", "namespace", "delete", "--binding", "SHARED"], { stdin: "n\n" });
    assertOk(no, "flarekv namespace delete (declined)");
    assert.match(no.stdout, /Not deleting\./);
    const yes = await flarekv(["kv", "namespace", "delete", "cli-shared", "-y"]);
    assertOk(yes, "flarekv namespace delete -y");
    assert.match(yes.stdout, new RegExp(`Deleted KV namespace name: "cli-shared" \\(id: "${nsId}"\\)\\.`));
    const wn = await w(["kv", "namespace", "list"]);
    assert.ok(!parseJsonOutput(wn.stdout).some((n) => n.id === nsId));
  });
});
