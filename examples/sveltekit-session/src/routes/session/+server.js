// GET /session -> 200 {"user", "createdAt", "lastSeenAt"} | 401
// Each read slides the session's expiry (SessionCacheClient.touch) and the cookie's with it.
import { json } from "@sveltejs/kit";
import { kvClients, SESSION_COOKIE } from "$lib/server/platform.js";

/** @type {import("./$types").RequestHandler} */
export async function GET(event) {
  const { sessions } = kvClients(event.platform);
  const token = event.cookies.get(SESSION_COOKIE);
  const session = await sessions.touch(token);
  if (!session) return json({ error: "not logged in" }, { status: 401 });
  event.cookies.set(SESSION_COOKIE, token, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: event.url.protocol === "https:",
    maxAge: sessions.ttlSeconds,
  });
  return json(session);
}
