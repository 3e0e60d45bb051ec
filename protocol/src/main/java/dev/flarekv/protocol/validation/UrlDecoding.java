package dev.flarekv.protocol.validation;

import dev.flarekv.protocol.codec.StrictUtf8;
import dev.flarekv.protocol.error.ErrorCode;
import java.nio.ByteBuffer;

/**
 * Percent-decoding of key path segments and query components (docs/kv-semantics.md K6, K7): decode
 * exactly once, and the decoded bytes must be valid UTF-8. Entry point: {@link KvValidator}.
 */
final class UrlDecoding {
  private static final String BAD_KEY_ESCAPE = "Could not URL-decode key name";
  private static final String BAD_QUERY_ESCAPE = "Could not URL-decode query parameter";

  private UrlDecoding() {}

  static String decodeKey(String rawPathSegment) {
    if (rawPathSegment == null) {
      throw ErrorCode.INVALID_REQUEST.exception(BAD_KEY_ESCAPE);
    }
    return percentDecode(rawPathSegment, false, BAD_KEY_ESCAPE);
  }

  static String decodeQueryComponent(String raw) {
    if (raw == null) {
      return null;
    }
    return percentDecode(raw, true, BAD_QUERY_ESCAPE);
  }

  private static boolean isPlainAscii(String raw, boolean plusIsSpace) {
    for (int i = 0, n = raw.length(); i < n; i++) {
      char c = raw.charAt(i);
      if (c >= 0x80 || c == '%' || (c == '+' && plusIsSpace)) {
        return false;
      }
    }
    return true;
  }

  private static String percentDecode(String raw, boolean plusIsSpace, String error) {
    if (isPlainAscii(raw, plusIsSpace)) {
      return raw; // nothing to decode, and ASCII is valid UTF-8: the common case, no allocation
    }
    int n = raw.length();
    // at most 3 bytes per UTF-16 unit (a surrogate pair is 2 units -> 4 bytes)
    byte[] bytes = new byte[n * 3];
    int len = 0;
    for (int i = 0; i < n; i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= n) {
          throw ErrorCode.INVALID_REQUEST.exception(error);
        }
        int hi = hexValue(raw.charAt(i + 1));
        int lo = hexValue(raw.charAt(i + 2));
        if (hi < 0 || lo < 0) {
          throw ErrorCode.INVALID_REQUEST.exception(error);
        }
        bytes[len++] = (byte) ((hi << 4) | lo);
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        bytes[len++] = ' ';
      } else if (c < 0x80) {
        bytes[len++] = (byte) c;
      } else if (c < 0x800) {
        bytes[len++] = (byte) (0xC0 | (c >> 6));
        bytes[len++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c)
            || i + 1 >= n
            || !Character.isLowSurrogate(raw.charAt(i + 1))) {
          throw ErrorCode.INVALID_REQUEST.exception(error);
        }
        int cp = Character.toCodePoint(c, raw.charAt(++i));
        bytes[len++] = (byte) (0xF0 | (cp >> 18));
        bytes[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        bytes[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        bytes[len++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        bytes[len++] = (byte) (0xE0 | (c >> 12));
        bytes[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        bytes[len++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return StrictUtf8.decode(ByteBuffer.wrap(bytes, 0, len))
        .orElseThrow(() -> ErrorCode.INVALID_REQUEST.exception(error));
  }

  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
