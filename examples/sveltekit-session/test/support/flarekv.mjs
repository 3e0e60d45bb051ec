// Test support (Node side): a real flarekv on ephemeral ports, and a copy of wrangler.jsonc whose
// flarekv bindings point at it. The committed wrangler.jsonc keeps the default 127.0.0.1:8791 of
// `flarekv serve`, so it stays copy-pasteable; tests never touch it.
import { randomBytes } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "../../../../e2e/lib/server.mjs";

export const APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const DEFAULT_ADDRESS = "127.0.0.1:8791";

export { startServer };

/**
 * Writes `wrangler.flarekv-test-*.jsonc` next to wrangler.jsonc (relative paths in it keep their
 * meaning) with every `"address": "127.0.0.1:8791"` replaced by `address`.
 * @returns {Promise<{ path: string, remove: () => Promise<void> }>}
 */
export async function writeWranglerConfig(address) {
  const text = await readFile(join(APP_DIR, "wrangler.jsonc"), "utf8");
  const needle = `"address": "${DEFAULT_ADDRESS}"`;
  const count = text.split(needle).length - 1;
  if (count !== 2) throw new Error(`expected 2 flarekv bindings with ${needle} in wrangler.jsonc, found ${count}`);
  const path = join(APP_DIR, `wrangler.flarekv-test-${process.pid}-${randomBytes(4).toString("hex")}.jsonc`);
  await writeFile(path, text.replaceAll(needle, `"address": "${address}"`));
  return { path, remove: () => rm(path, { force: true }) };
}

/** REST coordinates of a started server, for checks from the tests. */
export function restInfo(server) {
  return { baseUrl: server.baseUrl, token: server.token, accountId: server.accountId };
}
