package dev.flarekv.protocol.validation;

import dev.flarekv.protocol.error.ErrorCode;

/**
 * Key and list-prefix rules (docs/kv-semantics.md K1-K5, L2) and the UTF-8 measures they and the
 * metadata rule share. Entry point: {@link KvValidator}.
 */
final class KeyRules {
  private KeyRules() {}

  static String validateKey(String key) {
    if (key == null || key.isEmpty()) {
      throw ErrorCode.INVALID_REQUEST.exception("Key names must not be empty");
    }
    if (key.equals(".") || key.equals("..")) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "Illegal key name \"" + key + "\". Please use a different name.");
    }
    if (hasUnpairedSurrogate(key)) {
      throw ErrorCode.INVALID_REQUEST.exception("Key names must be valid UTF-8");
    }
    checkKeyLength(key);
    return key;
  }

  static String validatePrefix(String prefix) {
    if (prefix == null) {
      return "";
    }
    if (hasUnpairedSurrogate(prefix)) {
      throw ErrorCode.INVALID_REQUEST.exception("Prefix must be valid UTF-8");
    }
    checkKeyLength(prefix);
    return prefix;
  }

  private static void checkKeyLength(String s) {
    PayloadRules.checkSize(
        utf8Length(s),
        KvLimits.MAX_KEY_SIZE_BYTES,
        ErrorCode.KEY_TOO_LONG,
        "UTF-8 encoded",
        "key length ");
  }

  /**
   * The number of bytes of {@code s.getBytes(UTF_8)}, computed without allocating. An unpaired
   * surrogate counts 1 byte, as the JDK encoder replaces it with {@code ?}.
   */
  static int utf8Length(String s) {
    int n = s.length();
    int bytes = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        bytes += 1;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** Whether {@code s} contains a surrogate that is not part of a well-formed pair. */
  static boolean hasUnpairedSurrogate(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return true;
        }
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
