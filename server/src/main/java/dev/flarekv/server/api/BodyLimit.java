package dev.flarekv.server.api;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.validation.KvLimits;
import dev.flarekv.protocol.validation.KvValidator;

/**
 * How large a body one route takes, and how it is reported when over: decided with the route from
 * the request head, before any body byte is read.
 *
 * @param bytes the most body bytes the request may carry
 * @param weight what one body byte costs the server-wide body budget while the request is in flight
 *     (1 for a body kept as it came; more for one also parsed into a larger form)
 * @param rawValue whether the body is one raw value, whose oversize is reported as the value's
 *     length ({@link dev.flarekv.protocol.validation.KvValidator#valueSize}), as Miniflare does
 */
public record BodyLimit(long bytes, int weight, boolean rawValue) {
  /**
   * Why a body of {@code length} bytes is refused: a raw value's error names the value's length,
   * any other the body's.
   *
   * @param length the declared or counted body length, or -1 when reading stopped far past the
   *     limit
   */
  public KvException exceeded(long length) {
    if (length >= 0 && rawValue) {
      try {
        KvValidator.valueSize(length);
      } catch (KvException e) {
        return e;
      }
    }
    String size = length >= 0 ? length + " bytes" : "more than " + bytes + " bytes";
    return ErrorCode.PAYLOAD_TOO_LARGE.exception(
        "Request body of " + size + " exceeds the limit of " + bytes + " bytes");
  }

  /** No body at all. */
  public static final BodyLimit NONE = new BodyLimit(0, 1, false);

  /** The limit of requests no route gives a larger one: a small JSON body. */
  public static final BodyLimit SMALL = new BodyLimit(1 << 20, 1, false);

  /** One raw value. */
  public static final BodyLimit RAW_VALUE = new BodyLimit(KvLimits.MAX_VALUE_SIZE_BYTES, 1, true);

  /** One value in a multipart form, with room for the metadata part and the framing. */
  public static final BodyLimit MULTIPART_VALUE =
      new BodyLimit(KvLimits.MAX_VALUE_SIZE_BYTES + 64 * 1024, 1, false);

  /**
   * A bulk write: 100 MB of items plus JSON framing. It holds its body (direct memory), the decoded
   * values and their encoded records (heap) and the native write batch built from them until it
   * answers: 4 times its body (docs/reliability.md, "Bounded memory under bulk load").
   */
  public static final BodyLimit BULK_WRITE =
      new BodyLimit(KvLimits.MAX_BULK_WRITE_BODY_BYTES + (1 << 20), 4, false);

  /** 10,000 keys of 512 bytes, each byte escaped in six characters at worst, plus framing. */
  public static final BodyLimit BULK_KEYS = new BodyLimit(32L << 20, 1, false);
}
