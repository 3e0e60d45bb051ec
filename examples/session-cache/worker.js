// Session cache on Workers KV: one key per session, `session:{token}`, expiring after an hour.
//   POST /login   body {"user": "...", ...}  -> 201 {"token": "..."}   (the JSON body is the session)
//   GET  /me      Authorization: Bearer <token> -> 200 {"user": ..., "createdAt": ...} | 401
//   POST /logout  Authorization: Bearer <token> -> 204 (the session key is deleted)
// Binding: SESSIONS (kvNamespace).

const SESSION_TTL_SECONDS = 3600;

const sessionKey = (token) => `session:${token}`;

function bearer(request) {
  const m = /^Bearer ([0-9a-f]{64})$/.exec(request.headers.get("Authorization") ?? "");
  return m ? m[1] : null;
}

function newToken() {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const json = (body, status = 200, headers = {}) => Response.json(body, { status, headers });
const unauthorized = () => json({ error: "not logged in" }, 401, { "WWW-Authenticate": "Bearer" });

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    const route = `${request.method} ${pathname}`;

    if (route === "POST /login") {
      let body;
      try {
        body = await request.json();
      } catch {
        return json({ error: "body must be JSON" }, 400);
      }
      if (typeof body?.user !== "string" || body.user === "") return json({ error: "user is required" }, 400);
      const token = newToken();
      const session = { ...body, createdAt: new Date().toISOString() };
      await env.SESSIONS.put(sessionKey(token), JSON.stringify(session), { expirationTtl: SESSION_TTL_SECONDS });
      return json({ token, expiresIn: SESSION_TTL_SECONDS }, 201);
    }

    if (route === "GET /me") {
      const token = bearer(request);
      if (!token) return unauthorized();
      const session = await env.SESSIONS.get(sessionKey(token), "json");
      return session ? json(session) : unauthorized();
    }

    if (route === "POST /logout") {
      const token = bearer(request);
      if (!token) return unauthorized();
      await env.SESSIONS.delete(sessionKey(token));
      return new Response(null, { status: 204 });
    }

    return json({ error: "not found" }, 404);
  },
};
