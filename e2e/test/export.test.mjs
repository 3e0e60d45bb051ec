// `flarekv export` writes the file `wrangler kv bulk put` reads: export a namespace (text, binary,
// metadata, expiration) from one flarekv server, upload the file with wrangler 4.86.0 into a
// namespace on a second server, and compare what wrangler reads back from both.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { LAUNCHER, startServer } from "../lib/server.mjs";
import { parseJsonOutput, wrangler, wranglerSandbox } from "../lib/wrangler.mjs";

const BIN = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

let one;
let two;
let sb;

function flarekv(server, args) {
  return new Promise((res, rej) => {
    const child = spawn(LAUNCHER, args, {
      cwd: sb.cwd,
      env: {
        PATH: process.env.PATH,
        HOME: sb.root,
        JAVA_HOME: process.env.JAVA_HOME ?? "",
        CLOUDFLARE_API_BASE_URL: server.baseUrl,
        CLOUDFLARE_API_TOKEN: server.token,
        CLOUDFLARE_ACCOUNT_ID: server.accountId,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out = [];
    const err = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.on("error", rej);
    child.on("close", (code) => res({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
  });
}

const w = (server, args) => wrangler(args, { server, sandbox: sb, label: "export.test" });

function ok(r, what) {
  assert.equal(r.code, 0, `${what} exited ${r.code}\n${r.stdout}\n${r.stderr ?? ""}${r.out ?? ""}`);
}

async function createNamespace(server, title) {
  const r = await w(server, ["kv", "namespace", "create", title]);
  ok(r, "namespace create");
  return /"?id"?\s*[:=]\s*"([0-9a-f]{32})"/.exec(r.stdout)[1];
}

describe("flarekv export -> wrangler kv bulk put", { timeout: 20 * 60_000 }, () => {
  before(async () => {
    one = await startServer();
    two = await startServer();
    sb = await wranglerSandbox();
  }, { timeout: 16 * 60_000 });

  after(async () => {
    await one?.stop();
    await two?.stop();
    if (!process.env.FLAREKV_E2E_KEEP) await sb?.remove();
  });

  it("the exported file uploads with wrangler and reads back identically", async () => {
    const src = await createNamespace(one, "export-src");
    const expiration = Math.floor(Date.now() / 1000) + 3600;
    writeFileSync(join(sb.cwd, "blob.bin"), BIN);
    ok(await w(one, ["kv", "key", "put", "bin", "--path", "blob.bin", "--namespace-id", src, "--remote"]), "put bin");
    ok(await w(one, ["kv", "key", "put", "text", "héllo ✓", "--namespace-id", src, "--remote", "--metadata", '{"by":"e2e","n":[1,2]}']), "put text");
    ok(await w(one, ["kv", "key", "put", "exp", "soon-ish", "--namespace-id", src, "--remote", "--expiration", String(expiration)]), "put exp");

    const exported = await flarekv(one, ["export", "--namespace-id", src, "--output", "ns.json"]);
    ok(exported, "flarekv export");
    assert.match(exported.stderr, /Exported 3 key\(s\)/);
    const items = JSON.parse(readFileSync(join(sb.cwd, "ns.json"), "utf8"));
    assert.equal(items.find((i) => i.key === "bin").base64, true);

    const dst = await createNamespace(two, "export-dst");
    ok(await w(two, ["kv", "bulk", "put", "ns.json", "--namespace-id", dst, "--remote"]), "wrangler bulk put");

    const bin = await w(two, ["kv", "key", "get", "bin", "--namespace-id", dst, "--remote"]);
    ok(bin, "get bin");
    assert.deepEqual(bin.stdoutBytes, BIN);
    const text = await w(two, ["kv", "key", "get", "text", "--namespace-id", dst, "--remote"]);
    assert.equal(text.stdout, "héllo ✓");
    const before = parseJsonOutput((await w(one, ["kv", "key", "list", "--namespace-id", src, "--remote"])).stdout);
    const afterList = parseJsonOutput((await w(two, ["kv", "key", "list", "--namespace-id", dst, "--remote"])).stdout);
    assert.deepEqual(afterList, before);
    assert.equal(afterList.find((k) => k.name === "exp").expiration, expiration);
    assert.deepEqual(afterList.find((k) => k.name === "text").metadata, { by: "e2e", n: [1, 2] });
  });
});
