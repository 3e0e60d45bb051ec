// Source of the small worker that sits between a KV binding and flarekv. workerd reports an
// unreachable external service to the Worker only as "Network connection lost.", without the
// address; this worker forwards every request and, when flarekv cannot be reached,
// answers 503 with a reason phrase that names the address. workerd's KV binding then throws
// "KV GET failed: 503 flarekv at 127.0.0.1:8791 is unreachable (start it with: flarekv serve)".
// The body (a PUT value, a bulk-get key list) is read first: streamed through, a failed connection
// would cancel it and the binding would again only see "Network connection lost.".
export const GUARD_WORKER_SOURCE = `
export default {
  async fetch(request, env) {
    const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
    try {
      return await env.FLAREKV.fetch(request.url, { method: request.method, headers: request.headers, body });
    } catch (e) {
      const reason = "flarekv at " + env.FLAREKV_ADDRESS + " is unreachable (start it with: flarekv serve)";
      return new Response(reason + " [" + String(e && e.message) + "]", { status: 503, statusText: reason });
    }
  },
};
`;
