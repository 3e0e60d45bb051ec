// GET /session -> 200 {"user", "createdAt", "lastSeenAt"} (and the session's expiry slides) | 401
import { json } from "@sveltejs/kit";
import { kvClients, SESSION_COOKIE } from "$lib/server/platform.js";

/** @type {import("./$types").RequestHandler} */
export async function GET(event) {
  const { sessions } = kvClients(event.platform);
  const session = await sessions.touch(event.cookies.get(SESSION_COOKIE));
  if (!session) return json({ error: "not logged in" }, { status: 401 });
  event.cookies.set(SESSION_COOKIE, event.cookies.get(SESSION_COOKIE), {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: event.url.protocol === "https:",
    maxAge: sessions.ttlSeconds,
  });
  return json(session);
}
