package dev.flarekv.protocol.error;

import java.util.Objects;

/**
 * The single unchecked exception for every expected failure (bad input, missing key or namespace,
 * conflicts, auth, overload). The {@link ErrorCode} decides status and code; the message is what
 * the client reads, so it never contains secrets or stack traces.
 *
 * <p>One class with an enum instead of a sealed hierarchy: the enum already is the closed set of
 * kinds, and mapping happens through its fields in exactly one place per surface.
 */
public final class KvException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode errorCode;

  public KvException(ErrorCode errorCode, String message) {
    super(message, null, false, false);
    this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
  }

  /** With the low-level failure behind it, for logs; the message stays what the client reads. */
  public KvException(ErrorCode errorCode, String message, Throwable cause) {
    super(message, cause, false, false);
    this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
  }

  /** The kind of failure. */
  public ErrorCode errorCode() {
    return errorCode;
  }
}
