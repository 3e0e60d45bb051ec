// `flarekv-miniflare init`: adds the flarekv env section to a wrangler config file.
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { DEFAULT_ADDRESS, resolveBinding } from "../options.mjs";
import { buildSection, InitError } from "./section.mjs";
import { editToml } from "./toml.mjs";
import { editJsonc } from "./jsonc.mjs";

export { InitError } from "./section.mjs";
export const CONFIG_NAMES = ["wrangler.toml", "wrangler.json", "wrangler.jsonc"];
const ENV_NAME = /^[A-Za-z0-9_-]+$/;

/** The config file: --config, else the one wrangler.* file in cwd. */
export function findConfig(cwd, config) {
  if (config !== undefined) {
    const file = resolve(cwd, config);
    if (!existsSync(file)) throw new InitError(`--config ${config}: no such file`);
    return file;
  }
  const found = CONFIG_NAMES.filter((n) => existsSync(resolve(cwd, n)));
  if (found.length === 0) {
    throw new InitError(`no ${CONFIG_NAMES.join(" / ")} in ${cwd}; run init where it is, or give --config <file>`);
  }
  if (found.length > 1) {
    throw new InitError(`several wrangler configs in ${cwd} (${found.join(", ")}); choose one with --config <file>`);
  }
  return resolve(cwd, found[0]);
}

/**
 * @param {{ cwd?: string, config?: string, env?: string, address?: string, apiTokenEnv?: string,
 *   dryRun?: boolean }} opts
 * @returns {Promise<{ file: string, text: string, changed: boolean, envName: string,
 *   bindings: string[], copied: string[] }>}
 */
export async function init(opts = {}) {
  const cwd = opts.cwd ?? process.cwd();
  const envName = opts.env ?? "flarekv";
  if (!ENV_NAME.test(envName)) throw new InitError(`--env must be letters, digits, "_" or "-", got ${JSON.stringify(envName)}`);
  const address = opts.address ?? DEFAULT_ADDRESS;
  // the plugin's own checks, so init never writes options the plugin would refuse
  try {
    const options = { address, ...(opts.apiTokenEnv ? { api_token_env: opts.apiTokenEnv } : {}) };
    resolveBinding({ name: "init", type: "kv_namespace", options }, { [opts.apiTokenEnv ?? ""]: "x" });
  } catch (e) {
    throw new InitError(e.message.replace('binding "init": ', ""));
  }
  const file = findConfig(cwd, opts.config);
  const text = await readFile(file, "utf8");
  let summary;
  const build = (config) => (summary = buildSection(config, { address, apiTokenEnv: opts.apiTokenEnv, file: basename(file) }));
  const edit = file.endsWith(".toml") ? editToml : editJsonc;
  const result = edit(text, { file: basename(file), envName, build });
  const changed = result.text !== text;
  if (changed && !opts.dryRun) await writeFile(file, result.text);
  return { file, text: result.text, changed, envName, bindings: summary.bindings, copied: summary.copied };
}
