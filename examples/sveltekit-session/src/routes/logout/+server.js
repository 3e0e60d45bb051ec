// POST /logout -> 204; the session key is deleted and the cookie cleared
import { kvClients, SESSION_COOKIE } from "$lib/server/platform.js";

/** @type {import("./$types").RequestHandler} */
export async function POST(event) {
  const { sessions } = kvClients(event.platform);
  await sessions.destroy(event.cookies.get(SESSION_COOKIE));
  event.cookies.delete(SESSION_COOKIE, { path: "/" });
  return new Response(null, { status: 204 });
}
