// What a developer sees when something is wrong: option errors at start, a wrong token or
// namespace id at start (flarekv reachable), a deleted namespace or a stopped flarekv on first use.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { call, closedPort, kvMiniflare, rest, startError, startServer } from "./helpers.mjs";

delete process.env.FLAREKV_API_TOKEN;

describe("option errors at start", () => {
  const cases = [
    [{ adress: "127.0.0.1:8791" }, /binding "KV": unknown option\(s\) "adress"; known options: address, namespace, namespace_id, api_token, api_token_env/],
    [{ address: "http://127.0.0.1:8791" }, /binding "KV": address must be "host:port" of flarekv's binding listener .*got "http:\/\/127\.0\.0\.1:8791"/],
    [{ address: "127.0.0.1" }, /address must be "host:port"/],
    [{ address: "127.0.0.1:70000" }, /address must be "host:port"/],
    [{ address: 8791 }, /address must be "host:port"/],
    [{ namespace: "a", namespace_id: "0123456789abcdef0123456789abcdef" }, /give either "namespace" \(a title\) or "namespace_id" \(an existing id\), not both/],
    [{ namespace_id: "not-an-id" }, /namespace_id must be a namespace id: 32 lowercase hex characters, got "not-an-id"/],
    [{ namespace_id: "0123456789ABCDEF0123456789ABCDEF" }, /namespace_id must be a namespace id/],
    [{ namespace: "" }, /namespace must be a non-empty title/],
    [{ namespace: "line\nbreak" }, /namespace must be a non-empty title of printable ASCII/],
    [{ api_token: 42 }, /api_token must be a non-empty string/],
    [{ api_token: "" }, /api_token must be a non-empty string/],
    [{ api_token: "a", api_token_env: "T" }, /give either "api_token" or "api_token_env", not both/],
    [{ api_token_env: "FLAREKV_TEST_UNSET_VARIABLE" }, /api_token_env names FLAREKV_TEST_UNSET_VARIABLE, but that environment variable is not set/],
  ];
  for (const [options, message] of cases) {
    test(`${JSON.stringify(options)} is refused with a clear message`, async () => {
      const e = await startError(kvMiniflare([{ name: "KV", options }]));
      assert.match(e.message, /^flarekv-miniflare: /);
      assert.match(e.message, message);
    });
  }
  test("a binding type other than kv_namespace is refused", async () => {
    const e = await startError(kvMiniflare([{ name: "R2", type: "r2_bucket" }]));
    assert.match(e.message, /binding "R2": type must be "kv_namespace" \(flarekv only backs KV bindings\), got "r2_bucket"/);
  });
});

describe("flarekv unreachable", () => {
  test("the Worker's error names the address and how to start flarekv", async () => {
    const port = await closedPort();
    const mf = kvMiniflare([{ name: "KV", options: { address: `127.0.0.1:${port}` } }]);
    try {
      const reason = `flarekv at 127.0.0.1:${port} is unreachable (start it with: flarekv serve)`;
      assert.deepEqual(await call(mf, "KV", "get", "k"), { error: `KV GET failed: 503 ${reason}` });
      assert.deepEqual(await call(mf, "KV", "put", "k", "v"), { error: `KV PUT failed: 503 ${reason}` });
      assert.deepEqual(await call(mf, "KV", "list"), { error: `KV GET failed: 503 ${reason}` });
      assert.deepEqual(await call(mf, "KV", "get", ["a", "b"]), { error: `KV GET_BULK failed: 503 ${reason}` });
      assert.deepEqual(await call(mf, "KV", "delete", "k"), { error: `KV DELETE failed: 503 ${reason}` });
    } finally {
      await mf.dispose();
    }
  });
});

describe("with a flarekv that requires a token", () => {
  let server, api;
  before(async () => {
    server = await startServer();
    api = rest(server);
  });
  after(async () => {
    await server?.stop();
  });

  test("a namespace_id that does not exist fails the start, naming the id", async () => {
    const id = "0123456789abcdef0123456789abcdef";
    const e = await startError(
      kvMiniflare([{ name: "KV", options: { address: server.bindingAddress, namespace_id: id, api_token: server.token } }]),
    );
    assert.match(e.message, new RegExp(`binding "KV" \\(namespace id ${id}\\): flarekv at ${server.bindingAddress} answered 400 KV namespace ${id} not found`));
  });

  test("a namespace deleted after the start is reported on first use", async () => {
    const ns = await api.createNamespace("deleted-later");
    const mf = kvMiniflare([{ name: "KV", options: { address: server.bindingAddress, namespace_id: ns.id, api_token: server.token } }]);
    try {
      await mf.ready;
      await api.deleteNamespace(ns.id);
      assert.deepEqual(await call(mf, "KV", "get", "k"), { error: `KV GET failed: 400 KV namespace ${ns.id} not found` });
    } finally {
      await mf.dispose();
    }
  });

  test("without a token the start fails with 401 and says where the token goes", async () => {
    const e = await startError(kvMiniflare([{ name: "KV", options: { address: server.bindingAddress } }]));
    assert.match(e.message, /binding "KV" \(namespace "KV"\): flarekv at .* answered 401 .*check api_token \/ api_token_env \/ FLAREKV_API_TOKEN/);
    const wrong = await startError(kvMiniflare([{ name: "KV", options: { address: server.bindingAddress, api_token: "wrong" } }]));
    assert.match(wrong.message, /answered 401/);
  });

  test("the token can come from an environment variable (api_token_env, else FLAREKV_API_TOKEN)", async () => {
    process.env.FLAREKV_TEST_TOKEN = server.token;
    const viaOption = kvMiniflare([{ name: "KV", options: { address: server.bindingAddress, api_token_env: "FLAREKV_TEST_TOKEN" } }]);
    try {
      assert.deepEqual(await call(viaOption, "KV", "put", "env-token", "ok"), { result: null });
    } finally {
      await viaOption.dispose();
      delete process.env.FLAREKV_TEST_TOKEN;
    }
    process.env.FLAREKV_API_TOKEN = server.token;
    const viaDefault = kvMiniflare([{ name: "KV", options: { address: server.bindingAddress } }]);
    try {
      assert.deepEqual(await call(viaDefault, "KV", "get", "env-token"), { result: "ok" });
    } finally {
      await viaDefault.dispose();
      delete process.env.FLAREKV_API_TOKEN;
    }
  });
});
