package dev.flarekv.protocol.envelope;

import dev.flarekv.protocol.error.ErrorCode;
import java.util.Objects;

/**
 * One entry of the envelope's {@code errors} array.
 *
 * @param code the Cloudflare API v4 error code
 * @param message the human-readable message
 */
public record ApiError(int code, String message) {
  public ApiError {
    Objects.requireNonNull(message, "message");
  }

  /** The error for {@code code} with the given message, or its default message when null. */
  public static ApiError of(ErrorCode code, String message) {
    return new ApiError(code.code(), message == null ? code.defaultMessage() : message);
  }
}
