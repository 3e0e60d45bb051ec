// Demo credential check: one built-in user. A real app asks its user store here; the KV patterns
// around it (rate limit first, then session) stay the same.
const DEMO_USERS = new Map([["alice", "wonderland"]]);

/** Whether `user` / `password` are valid credentials. */
export function checkCredentials(user, password) {
  if (typeof user !== "string" || typeof password !== "string") return false;
  const expected = DEMO_USERS.get(user);
  return expected !== undefined && timingSafeEqual(expected, password);
}

function timingSafeEqual(a, b) {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
