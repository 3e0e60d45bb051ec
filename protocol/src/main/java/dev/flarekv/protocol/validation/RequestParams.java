package dev.flarekv.protocol.validation;

import dev.flarekv.protocol.error.ErrorCode;
import java.util.OptionalLong;

/**
 * Numeric and enumerated request parameters: list limits (docs/kv-semantics.md L3, L4), {@code
 * cache_ttl} (R2), namespace-listing pages, bulk-get key count and type (B1), and the strict
 * integer parsing they all use. Entry point: {@link KvValidator}.
 */
final class RequestParams {
  private RequestParams() {}

  /**
   * Strict integer parsing: optional {@code -}, then 1 to 19 ASCII digits, fitting a {@code long}.
   *
   * @return the value, or {@code null} for "not a number" (including {@code raw == null})
   */
  static Long parseStrictLong(String raw) {
    if (raw == null) {
      return null;
    }
    int n = raw.length();
    int start = n > 0 && raw.charAt(0) == '-' ? 1 : 0;
    int digits = n - start;
    if (digits < 1 || digits > 19) {
      return null;
    }
    for (int i = start; i < n; i++) {
      char c = raw.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static int bindingListLimit(String raw) {
    if (raw == null) {
      return KvLimits.MAX_LIST_KEYS;
    }
    Long n = parseStrictLong(raw);
    if (n == null || n < 1) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "Invalid key_count_limit of " + raw + ". Please specify an integer greater than 0.");
    }
    if (n > KvLimits.MAX_LIST_KEYS) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "Invalid key_count_limit of "
              + raw
              + ". Please specify an integer less than "
              + KvLimits.MAX_LIST_KEYS
              + ".");
    }
    return n.intValue();
  }

  static int restListLimit(String raw) {
    if (raw == null || raw.isEmpty()) {
      return KvLimits.MAX_LIST_KEYS;
    }
    Long n = parseStrictLong(raw);
    if (n == null) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "limit: Expected query param to be number but received \"" + raw + "\"");
    }
    if (n < KvLimits.MIN_REST_LIST_KEYS) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "limit: Too small: expected number to be >=" + KvLimits.MIN_REST_LIST_KEYS);
    }
    if (n > KvLimits.MAX_LIST_KEYS) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "limit: Too big: expected number to be <=" + KvLimits.MAX_LIST_KEYS);
    }
    return n.intValue();
  }

  // ---------------------------------------------------------------- reads (R2)

  static OptionalLong cacheTtl(String raw) {
    if (raw == null) {
      return OptionalLong.empty();
    }
    Long n = parseStrictLong(raw);
    if (n == null || n < KvLimits.MIN_CACHE_TTL_SECONDS) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "Invalid cache_ttl of "
              + raw
              + ". Cache TTL must be at least "
              + KvLimits.MIN_CACHE_TTL_SECONDS
              + ".");
    }
    return OptionalLong.of(n);
  }

  static int page(String raw) {
    if (raw == null) {
      return 1;
    }
    Long n = parseStrictLong(raw);
    if (n == null || n < 1 || n > Integer.MAX_VALUE) {
      throw ErrorCode.INVALID_REQUEST.exception("page: must be an integer from 1 to 2147483647");
    }
    return n.intValue();
  }

  static int perPage(String raw) {
    if (raw == null) {
      return KvLimits.DEFAULT_NAMESPACES_PER_PAGE;
    }
    Long n = parseStrictLong(raw);
    if (n == null || n < 1 || n > KvLimits.MAX_NAMESPACES_PER_PAGE) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "per_page: must be an integer between 1 and " + KvLimits.MAX_NAMESPACES_PER_PAGE);
    }
    return n.intValue();
  }

  static void bulkGetKeyCount(int n) {
    if (n < 1) {
      throw ErrorCode.INVALID_REQUEST.exception("You must request a minimum of 1 key");
    }
    if (n > KvLimits.MAX_BULK_GET_KEYS) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "You can request a maximum of " + KvLimits.MAX_BULK_GET_KEYS + " keys");
    }
  }

  static boolean bulkGetJsonType(String type) {
    if (type == null || type.equals("text")) {
      return false;
    }
    if (type.equals("json")) {
      return true;
    }
    throw ErrorCode.INVALID_REQUEST.exception(
        "\"" + type + "\" is not a valid type. Use \"json\" or \"text\"");
  }
}
