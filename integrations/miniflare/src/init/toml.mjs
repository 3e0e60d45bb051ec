// wrangler.toml: the section is appended as a block between two marker comments, so every byte
// before it stays as it was (comments included) and a re-run replaces exactly that block.
import { parse, stringify } from "smol-toml";
import { isDeepStrictEqual } from "node:util";
import { InitError } from "./section.mjs";

const BEGIN = "# >>> flarekv-miniflare init";
const END = "# <<< flarekv-miniflare init";

function parseToml(text, file) {
  try {
    return parse(text);
  } catch (e) {
    throw new InitError(`${file} is not valid TOML: ${e.message.split("\n")[0]}`);
  }
}

/** Finds our block: [start, end) offsets, or null. */
function findBlock(text, file) {
  const start = text.indexOf(BEGIN);
  if (start < 0) return null;
  if (start > 0 && text[start - 1] !== "\n") throw new InitError(`${file}: the "${BEGIN}" marker must start a line`);
  const endMark = text.indexOf(END, start);
  if (endMark < 0) throw new InitError(`${file}: found "${BEGIN}" but not "${END}"; fix or delete the block`);
  let end = endMark + END.length;
  if (text.startsWith("\r\n", end)) end += 2;
  else if (text[end] === "\n") end += 1;
  return [start, end];
}

/** Everything but env[envName], for comparing before and after. */
function withoutEnv(config, envName) {
  const copy = { ...config };
  if (copy.env && typeof copy.env === "object") {
    copy.env = { ...copy.env };
    delete copy.env[envName];
    if (Object.keys(copy.env).length === 0) delete copy.env;
  }
  return copy;
}

/**
 * @param {string} text the file
 * @param {{ file: string, envName: string, build: (config: object) => { section: object } }} opts
 * @returns {{ text: string, config: object }}
 */
export function editToml(text, { file, envName, build }) {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const block = findBlock(text, file);
  const before = block ? text.slice(0, block[0]) : text;
  const after = block ? text.slice(block[1]) : "";
  const original = parseToml(before + after, file);
  if (original.env?.[envName] !== undefined) {
    throw new InitError(
      `${file} already has a hand-written env.${envName} section; init leaves it alone. ` +
        `Remove it, or choose another environment name with --env <name>`,
    );
  }
  const { section } = build(original);
  const body = stringify({ env: { [envName]: section } }).trimEnd();
  const generated =
    `${BEGIN}: generated from the top-level bindings; re-run "npx flarekv-miniflare init" after changing them.` +
    `${eol}# Not for deploy: select it with wrangler dev --env ${envName}. Delete through the end marker to remove.${eol}` +
    body.split("\n").join(eol) +
    `${eol}${END}${eol}`;
  let head = before;
  if (!block) head += (head === "" || head.endsWith("\n") ? "" : eol) + (head === "" ? "" : eol);
  const result = head + generated + after;

  const check = parseToml(result, file);
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(check.env?.[envName])), JSON.parse(JSON.stringify(section))) ||
      !isDeepStrictEqual(withoutEnv(check, envName), withoutEnv(original, envName))) {
    throw new InitError(
      `${file}: appending the section would change how the rest of the file reads ` +
        `(e.g. "env" is an inline table); add this block by hand:${eol}${generated}`,
    );
  }
  return { text: result, config: original };
}
