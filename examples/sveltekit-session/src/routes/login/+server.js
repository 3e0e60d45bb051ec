// POST /login  {"user": "...", "password": "..."}
//   -> 200 {"user", "expiresIn"} + Set-Cookie: session=<token>   (a new session in AUTH_SESSION_KV)
//   -> 401 on bad credentials, 400 on a malformed body
//   -> 429 {"error", "retryAfter"} + Retry-After once the client IP used its 5 attempts per 15 min
import { json } from "@sveltejs/kit";
import { clientIp, kvClients, SESSION_COOKIE } from "$lib/server/platform.js";
import { checkCredentials } from "$lib/server/users.js";

/** @type {import("./$types").RequestHandler} */
export async function POST(event) {
  const { sessions, loginLimiter } = kvClients(event.platform);

  // every attempt counts, whatever its outcome: the limiter comes before the credential check
  const limit = await loginLimiter.hit(clientIp(event));
  if (!limit.allowed) {
    return json(
      { error: "too many login attempts, try again later", retryAfter: limit.retryAfter },
      { status: 429, headers: { "Retry-After": String(limit.retryAfter) } },
    );
  }

  let body;
  try {
    body = await event.request.json();
  } catch {
    return json({ error: "the body must be JSON: {\"user\": \"...\", \"password\": \"...\"}" }, { status: 400 });
  }
  if (!checkCredentials(body?.user, body?.password)) {
    return json({ error: "wrong user or password", remaining: limit.remaining }, { status: 401 });
  }

  const { token, expiresIn } = await sessions.create({ user: body.user });
  event.cookies.set(SESSION_COOKIE, token, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: event.url.protocol === "https:",
    maxAge: expiresIn,
  });
  return json({ user: body.user, expiresIn });
}
