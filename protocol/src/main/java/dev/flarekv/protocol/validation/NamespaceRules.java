package dev.flarekv.protocol.validation;

import dev.flarekv.protocol.error.ErrorCode;

/**
 * Namespace titles (docs/kv-semantics.md N1, N2) and the shapes of namespace and account ids (N5).
 * Entry point: {@link KvValidator}.
 */
final class NamespaceRules {
  private NamespaceRules() {}

  static String namespaceTitle(String title) {
    if (title == null || title.isBlank()) {
      throw ErrorCode.MISSING_TITLE.exception();
    }
    if (KeyRules.hasUnpairedSurrogate(title)) {
      throw ErrorCode.INVALID_REQUEST.exception("title: must be valid UTF-8");
    }
    if (title.codePointCount(0, title.length()) > KvLimits.MAX_TITLE_LENGTH) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "title: exceeds the " + KvLimits.MAX_TITLE_LENGTH + "-character limit");
    }
    return title;
  }

  static boolean isValidNamespaceId(String id) {
    if (id == null || id.length() != 32) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  static boolean isValidAccountId(String id) {
    if (id == null || id.isEmpty() || id.length() > 64) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= '0' && c <= '9')
              || (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || c == '_'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
