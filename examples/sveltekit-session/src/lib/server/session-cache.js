// Session cache on Workers KV: one key per session, `session:{token}`, holding the session as JSON
// and expiring `ttlSeconds` (default one hour) after it was created or last touched.

const TOKEN_PATTERN = /^[0-9a-f]{64}$/;

export class SessionCacheClient {
  /**
   * @param {KVNamespace} kv the session namespace (AUTH_SESSION_KV)
   * @param {{ ttlSeconds?: number, prefix?: string }} [options]
   */
  constructor(kv, { ttlSeconds = 3600, prefix = "session:" } = {}) {
    if (!kv) throw new Error("SessionCacheClient needs a KV namespace binding");
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 60) {
      throw new Error(`ttlSeconds must be an integer of at least 60 (the KV minimum), got ${ttlSeconds}`);
    }
    this.kv = kv;
    this.ttlSeconds = ttlSeconds;
    this.prefix = prefix;
  }

  /** The KV key of a session token. */
  key(token) {
    return `${this.prefix}${token}`;
  }

  /** Whether `token` has the shape of a token this client hands out (64 hex digits). */
  static isToken(token) {
    return typeof token === "string" && TOKEN_PATTERN.test(token);
  }

  /**
   * Starts a session holding `data` (any JSON object); returns its new random token.
   * @returns {Promise<{ token: string, session: object, expiresIn: number }>}
   */
  async create(data) {
    const token = newToken();
    const now = new Date().toISOString();
    const session = { ...data, createdAt: now, lastSeenAt: now };
    await this.#write(token, session);
    return { token, session, expiresIn: this.ttlSeconds };
  }

  /** The session of `token`, or null when there is none (never created, expired or destroyed). */
  async get(token) {
    if (!SessionCacheClient.isToken(token)) return null;
    return this.kv.get(this.key(token), "json");
  }

  /**
   * Sliding expiry: rewrites the session with a fresh `ttlSeconds` and an updated `lastSeenAt`.
   * Returns the session, or null when there is none (a missing session is not recreated).
   */
  async touch(token) {
    const session = await this.get(token);
    if (!session) return null;
    const touched = { ...session, lastSeenAt: new Date().toISOString() };
    await this.#write(token, touched);
    return touched;
  }

  /** Ends the session (deleting a missing key is not an error). */
  async destroy(token) {
    if (!SessionCacheClient.isToken(token)) return;
    await this.kv.delete(this.key(token));
  }

  #write(token, session) {
    return this.kv.put(this.key(token), JSON.stringify(session), { expirationTtl: this.ttlSeconds });
  }
}

function newToken() {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
