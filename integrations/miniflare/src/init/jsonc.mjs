// wrangler.json / wrangler.jsonc: jsonc-parser's modify() finds where env.<name> goes (and whether a
// comma is needed); the text inserted there is written here, indented like its siblings, because
// modify's own formatting would also reformat the line it inserts into. Every other byte of the file
// (comments, formatting) stays as it was; a re-run replaces only the section's value.
import { applyEdits, findNodeAtLocation, modify, parse, parseTree, printParseErrorCode } from "jsonc-parser";
import { isDeepStrictEqual } from "node:util";
import { InitError, looksGenerated } from "./section.mjs";

function parseJsonc(text, file) {
  const errors = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const e = errors[0];
    throw new InitError(`${file} is not valid JSON(C): ${printParseErrorCode(e.error)} at offset ${e.offset}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InitError(`${file}: expected a JSON object at the top level`);
  }
  return value;
}

/** The file's indentation unit: the leading whitespace of its first indented property. */
function indentUnit(text) {
  const m = /^([ \t]+)"/m.exec(text);
  return m ? m[1] : "  ";
}

/** The leading whitespace of the line holding offset, when only whitespace precedes offset on it. */
function lineIndent(text, offset) {
  const start = text.lastIndexOf("\n", offset - 1) + 1;
  const lead = text.slice(start, offset);
  return /^[ \t]*$/.test(lead) ? lead : undefined;
}

/** The edit that sets env.<envName> to section. */
function sectionEdit(text, original, envName, section) {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const unit = indentUnit(text);
  const pretty = (value, indent) => JSON.stringify(value, null, unit).split("\n").join(eol + indent);
  const tree = parseTree(text, [], { allowTrailingComma: true });
  const existing = findNodeAtLocation(tree, ["env", envName]);
  if (existing) {
    const indent = lineIndent(text, existing.parent.offset) ?? "";
    return { offset: existing.offset, length: existing.length, content: pretty(section, indent) };
  }
  const hasEnv = original.env !== undefined;
  const parent = hasEnv ? findNodeAtLocation(tree, ["env"]) : tree;
  const [key, value] = hasEnv ? [envName, section] : ["env", { [envName]: section }];
  const [edit] = modify(text, hasEnv ? ["env", envName] : ["env"], value, {});
  const parentIndent = lineIndent(text, parent.parent?.offset ?? parent.offset) ?? "";
  const children = parent.children ?? [];
  const indent = (children.length > 0 && lineIndent(text, children[0].offset)) || parentIndent + unit;
  const comma = edit.content.startsWith(",") ? "," : "";
  const close = children.length > 0 ? "" : eol + parentIndent;
  return {
    offset: edit.offset,
    length: edit.length,
    content: `${comma}${eol}${indent}${JSON.stringify(key)}: ${pretty(value, indent)}${close}`,
  };
}

/**
 * @param {string} text
 * @param {{ file: string, envName: string, build: (config: object) => { section: object } }} opts
 * @returns {{ text: string, config: object }}
 */
export function editJsonc(text, { file, envName, build }) {
  const original = parseJsonc(text, file);
  const existing = original.env?.[envName];
  if (existing !== undefined && !looksGenerated(existing)) {
    throw new InitError(
      `${file} already has a hand-written env.${envName} section; init leaves it alone. ` +
        `Remove it, or choose another environment name with --env <name>`,
    );
  }
  const { section } = build(original);
  if (original.env !== undefined && (typeof original.env !== "object" || Array.isArray(original.env))) {
    throw new InitError(`${file}: "env" must be an object`);
  }
  const result = applyEdits(text, [sectionEdit(text, original, envName, section)]);

  const check = parseJsonc(result, file);
  const rest = (c) => ({ ...c, env: { ...c.env, [envName]: undefined } });
  if (!isDeepStrictEqual(check.env?.[envName], section) ||
      !isDeepStrictEqual(JSON.parse(JSON.stringify(rest(check))), JSON.parse(JSON.stringify(rest(original))))) {
    throw new InitError(`${file}: could not set env.${envName} without changing the rest of the file`);
  }
  return { text: result, config: original };
}
