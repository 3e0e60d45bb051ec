package dev.flarekv.protocol.codec;

import dev.flarekv.protocol.error.ErrorCode;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Objects;

/**
 * List cursors (L5): URL-safe base64 without padding of one version byte {@code 0x01} followed by
 * the UTF-8 bytes of the last key returned. A cursor means "continue strictly after this key". See
 * {@code docs/cursor-format.md}.
 */
public final class CursorCodec {
  /** The format version written as the first byte. */
  static final byte VERSION = 0x01;

  /** Maximum decoded length (version byte + key bytes) a cursor may have. */
  static final int MAX_DECODED_BYTES = 600;

  /** Longest cursor text that can decode to at most {@link #MAX_DECODED_BYTES} bytes. */
  private static final int MAX_CURSOR_CHARS = (MAX_DECODED_BYTES * 4 + 2) / 3;

  private static final String INVALID = "Invalid cursor";

  private CursorCodec() {}

  /**
   * The cursor that resumes a listing strictly after {@code lastKey}.
   *
   * @throws NullPointerException if {@code lastKey} is null
   * @throws IllegalArgumentException if {@code lastKey} is not valid Unicode (unpaired surrogate)
   */
  public static String encode(String lastKey) {
    Objects.requireNonNull(lastKey, "lastKey");
    ByteBuffer keyBytes =
        StrictUtf8.encode(lastKey)
            .orElseThrow(() -> new IllegalArgumentException("key is not valid Unicode"));
    byte[] payload = new byte[1 + keyBytes.remaining()];
    payload[0] = VERSION;
    keyBytes.get(payload, 1, payload.length - 1);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(payload);
  }

  /**
   * The key a listing resumes strictly after, or {@code null} for a {@code null} or empty cursor
   * (start from the beginning).
   *
   * @throws dev.flarekv.protocol.error.KvException INVALID_REQUEST {@code "Invalid cursor"} when
   *     the text is not canonical unpadded URL-safe base64, is longer than 600 decoded bytes, has
   *     another version byte or a key that is not valid UTF-8
   */
  public static String decode(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    if (cursor.length() > MAX_CURSOR_CHARS) {
      throw ErrorCode.INVALID_REQUEST.exception(INVALID);
    }
    byte[] payload;
    try {
      payload = Base64.getUrlDecoder().decode(cursor);
    } catch (IllegalArgumentException e) {
      throw ErrorCode.INVALID_REQUEST.exception(INVALID);
    }
    // only the canonical text of a payload is accepted: no padding, no stray low bits
    if (payload.length == 0
        || payload.length > MAX_DECODED_BYTES
        || payload[0] != VERSION
        || !Base64.getUrlEncoder().withoutPadding().encodeToString(payload).equals(cursor)) {
      throw ErrorCode.INVALID_REQUEST.exception(INVALID);
    }
    return StrictUtf8.decode(ByteBuffer.wrap(payload, 1, payload.length - 1))
        .orElseThrow(() -> ErrorCode.INVALID_REQUEST.exception(INVALID));
  }
}
