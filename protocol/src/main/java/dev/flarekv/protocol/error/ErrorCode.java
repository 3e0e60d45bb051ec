package dev.flarekv.protocol.error;

/**
 * The one table of failures: each constant carries the HTTP status and the Cloudflare API v4 error
 * code ({@code errors[].code}) that flarekv answers with. Nothing else in the code base knows these
 * numbers.
 *
 * <p>Codes 10009, 10013, 10014 are verified against Cloudflare clients (docs/kv-semantics.md §12).
 * Request-validation failures use 10001 as Miniflare's REST emulation does; the HTTP status of a
 * validation failure follows Miniflare's KV gateway (414 key too long, 413 too large, 400 else).
 */
public enum ErrorCode {
  /** Missing or wrong credentials. */
  AUTHENTICATION(401, 10000, "Authentication error"),
  /** The credentials are valid but may not touch this account. */
  FORBIDDEN(403, 10000, "Authentication error"),
  /** Any malformed or out-of-range request parameter or body. */
  INVALID_REQUEST(400, 10001, "Invalid request"),
  /** A key (or list prefix) longer than 512 UTF-8 bytes. */
  KEY_TOO_LONG(414, 10001, "Key too long"),
  /** A value, metadata, bulk result or request body over its size limit. */
  PAYLOAD_TOO_LARGE(413, 10001, "Payload too large"),
  /** The key does not exist or has expired. */
  KEY_NOT_FOUND(404, 10009, "get: 'key not found'"),
  /** The namespace does not exist in this account. */
  NAMESPACE_NOT_FOUND(404, 10013, "namespace not found"),
  /** Another namespace of the account already has this title. */
  DUPLICATE_TITLE(400, 10014, "a namespace with this account ID and title already exists"),
  /** The account already owns the maximum number of namespaces. */
  TOO_MANY_NAMESPACES(400, 10018, "too many namespaces in this account"),
  /** Namespace create or rename without a title. */
  MISSING_TITLE(400, 10019, "missing title"),
  /** No route matches the path. */
  NO_ROUTE(404, 7003, "No route for the URI"),
  /** The route exists but not for this method. */
  METHOD_NOT_ALLOWED(405, 7001, "Method not allowed"),
  /** A request whose head and body did not arrive within the request read timeout. */
  REQUEST_TIMEOUT(408, 10001, "Request timeout"),
  /**
   * More REST API requests than a token may send in five minutes (code and message as Cloudflare's
   * API gateway answers them); only with {@code --limits free|paid} (docs/modes.md).
   */
  RATE_LIMITED(429, 971, "Please wait and consider throttling your request speed"),
  /**
   * A second write to one key within the same second; only with {@code --limits free|paid}
   * (docs/modes.md).
   */
  KEY_WRITE_RATE(429, 10022, "too many requests"),
  /**
   * A daily quota or the storage limit of the Free plan reached; only with {@code --limits free}
   * (docs/modes.md).
   */
  FREE_USAGE_LIMIT(
      429, 10048, "your account has reached the free usage limit for this operation for today"),
  /** The server is overloaded or the storage cannot take writes (for example a full disk). */
  UNAVAILABLE(503, 10001, "Service temporarily unavailable"),
  /** An emulator control names a fault rule that does not exist (docs/modes.md). */
  FAULT_RULE_NOT_FOUND(404, 10001, "No fault rule with that id"),
  /**
   * A failure a fault rule injected on purpose (docs/modes.md); its HTTP status is the rule's, not
   * this constant's.
   */
  INJECTED_FAULT(503, 10001, "flarekv fault injection"),
  /** A bug or an unexpected storage failure; details are logged, never sent. */
  INTERNAL(500, 10001, "Internal server error");

  private final int httpStatus;
  private final int code;
  private final String defaultMessage;

  ErrorCode(int httpStatus, int code, String defaultMessage) {
    this.httpStatus = httpStatus;
    this.code = code;
    this.defaultMessage = defaultMessage;
  }

  /** The HTTP status code sent with this error. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The Cloudflare API v4 numeric error code ({@code errors[].code}). */
  public int code() {
    return code;
  }

  /** The message used when the thrower gives none. */
  public String defaultMessage() {
    return defaultMessage;
  }

  /** A new exception of this kind with the default message. */
  public KvException exception() {
    return new KvException(this, defaultMessage);
  }

  /** A new exception of this kind with the given message. */
  public KvException exception(String message) {
    return new KvException(this, message);
  }
}
