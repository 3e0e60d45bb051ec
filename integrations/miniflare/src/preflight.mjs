// A check at start: one `list` with limit 1 through the binding listener, with the binding's own
// headers. It turns a wrong namespace_id or token into an error before the Worker runs; when
// flarekv is not up yet it only warns (the Worker then gets the "unreachable" error on use).
/** @typedef {import("./options.mjs").FlarekvTarget} FlarekvTarget */

const TIMEOUT_MS = 5000;
const checked = new Set();

/**
 * @param {FlarekvTarget} target
 * @param {{ warn?: (msg: string) => void } | undefined} log
 */
export async function preflight(target, log) {
  if (checked.has(target.key)) return;
  const headers = Object.fromEntries(target.headers.map((h) => [h.name, h.value]));
  let res;
  try {
    res = await fetch(`http://${target.address}/?key_count_limit=1`, {
      headers,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.arrayBuffer();
  } catch (e) {
    const msg =
      `flarekv-miniflare: flarekv at ${target.address} is unreachable now (${e?.cause?.code ?? e?.message}); ` +
      `KV binding "${target.name}" fails until it is started (flarekv serve)`;
    if (typeof log?.warn === "function") log.warn(msg);
    else console.warn(msg);
    return;
  }
  if (res.ok) {
    checked.add(target.key);
    return;
  }
  const reason = res.statusText || `HTTP ${res.status}`;
  let hint = "";
  if (res.status === 401 || res.status === 403) {
    hint = " (check api_token / api_token_env / FLAREKV_API_TOKEN: it must be a token flarekv was started with)";
  } else if (/not found/i.test(reason)) {
    hint = " (create the namespace first, or give its title as namespace instead of namespace_id)";
  }
  if (res.status >= 400 && res.status < 500) {
    throw new Error(
      `flarekv-miniflare: binding "${target.name}" (${target.namespaceLabel}): flarekv at ${target.address} ` +
        `answered ${res.status} ${reason}${hint}`,
    );
  }
  const msg = `flarekv-miniflare: flarekv at ${target.address} answered ${res.status} ${reason} for binding "${target.name}"`;
  if (typeof log?.warn === "function") log.warn(msg);
  else console.warn(msg);
}
