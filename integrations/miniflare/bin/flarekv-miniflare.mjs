#!/usr/bin/env node
// flarekv-miniflare init [--config <file>] [--env <name>] [--address <host:port>]
//                        [--api-token-env <VAR>] [--dry-run]
import { parseArgs } from "node:util";
import { relative } from "node:path";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const USAGE = `usage: flarekv-miniflare init [options]

Adds an env section to wrangler.toml / wrangler.json / wrangler.jsonc (in the current directory)
that backs every top-level kv_namespaces binding with flarekv, for wrangler dev --env flarekv,
getPlatformProxy({ environment: "flarekv" }), CLOUDFLARE_ENV=flarekv vite dev and
vitest-pool-workers (wrangler: { environment: "flarekv" }).

options:
  --config <file>         the wrangler config file (default: the one in the current directory)
  --env <name>            environment name (default: flarekv)
  --address <host:port>   flarekv's binding listener (default: 127.0.0.1:8791)
  --api-token-env <VAR>   read the API token from this environment variable when the tools run
                          (default without it: FLAREKV_API_TOKEN, if set); tokens are never written
  --dry-run               print the resulting file instead of writing it
  -h, --help              this text`;

function main(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: "string" },
        env: { type: "string" },
        address: { type: "string" },
        "api-token-env": { type: "string" },
        "dry-run": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    return fail(`${e.message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return Promise.resolve(0);
  }
  if (positionals.length !== 1 || positionals[0] !== "init") {
    return fail(positionals.length === 0 ? USAGE : `unknown command ${positionals.join(" ")}\n\n${USAGE}`);
  }
  const opts = {
    config: values.config,
    env: values.env,
    address: values.address,
    apiTokenEnv: values["api-token-env"],
    dryRun: values["dry-run"] ?? false,
  };
  return loadInit().then(({ init, InitError }) => init(opts).then(
    (r) => {
      const where = relative(process.cwd(), r.file) || r.file;
      if (opts.dryRun) process.stdout.write(r.text);
      const copied = r.copied.length ? `; copied from the top level: ${r.copied.join(", ")}` : "";
      const verb = opts.dryRun ? "would set" : r.changed ? "set" : "unchanged:";
      console.error(`flarekv-miniflare: ${verb} env.${r.envName} in ${where}: ${r.bindings.join(", ")} on flarekv${copied}`);
      if (!opts.dryRun) {
        console.error(`next: flarekv serve   then: wrangler dev --env ${r.envName}`);
      }
      return 0;
    },
    (e) => fail(e instanceof InitError ? e.message : e.stack),
  ), (e) => fail(e.message));
}

/**
 * init needs the package's own dependencies (smol-toml, jsonc-parser). npm does not install them
 * for a `file:` link to a directory outside the project, so say how to get them.
 */
async function loadInit() {
  try {
    return await import("../src/init/index.mjs");
  } catch (e) {
    if (e?.code !== "ERR_MODULE_NOT_FOUND") throw e;
    const dir = dirname(dirname(fileURLToPath(import.meta.url)));
    throw new Error(
      `init needs this package's dependencies, which are not installed (${e.message.split("\n")[0]}).\n` +
        `A linked install (npm install <path>) does not install them: run  npm ci --prefix ${dir}  once, ` +
        `or install the package from its npm pack tarball.`,
    );
  }
}

function fail(message) {
  console.error(`flarekv-miniflare: ${message}`);
  return Promise.resolve(2);
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
