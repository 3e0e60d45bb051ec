package dev.flarekv.protocol.validation;

import static dev.flarekv.protocol.validation.KvLimits.MAX_EXPIRATION_EXCLUSIVE_SECONDS;
import static dev.flarekv.protocol.validation.KvLimits.MIN_EXPIRATION_TTL_SECONDS;
import static dev.flarekv.protocol.validation.RequestParams.parseStrictLong;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.error.ErrorCode;

/**
 * The absolute expiration of a write from {@code expiration} / {@code expiration_ttl}, given as
 * query text, JSON numbers or JSON nodes (docs/kv-semantics.md E1-E4): all three forms resolve
 * through one rule, so their messages agree. Entry point: {@link KvValidator}.
 */
final class ExpirationRules {
  private ExpirationRules() {}

  static long expiration(String expirationRaw, String ttlRaw, long nowMillis) {
    return resolveExpiration(
        expirationRaw != null,
        parseStrictLong(expirationRaw),
        expirationRaw,
        ttlRaw != null,
        parseStrictLong(ttlRaw),
        ttlRaw,
        nowMillis);
  }

  static long expiration(Long expiration, Long ttl, long nowMillis) {
    return resolveExpiration(
        expiration != null,
        expiration,
        String.valueOf(expiration),
        ttl != null,
        ttl,
        String.valueOf(ttl),
        nowMillis);
  }

  static long expirationFromJson(JsonNode expiration, JsonNode ttl, long nowMillis) {
    boolean expGiven = isPresent(expiration);
    boolean ttlGiven = isPresent(ttl);
    return resolveExpiration(
        expGiven,
        expGiven ? jsonLong(expiration) : null,
        expGiven ? jsonText(expiration) : null,
        ttlGiven,
        ttlGiven ? jsonLong(ttl) : null,
        ttlGiven ? jsonText(ttl) : null,
        nowMillis);
  }

  private static boolean isPresent(JsonNode node) {
    return node != null && !node.isMissingNode() && !node.isNull();
  }

  private static Long jsonLong(JsonNode node) {
    if (node.isTextual()) {
      return parseStrictLong(node.textValue());
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? node.longValue() : null;
    }
    if (node.isNumber()) {
      try {
        return node.decimalValue().longValueExact();
      } catch (ArithmeticException | NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static String jsonText(JsonNode node) {
    if (node.isTextual()) {
      return node.textValue();
    }
    return node.isValueNode() ? node.asText() : node.toString();
  }

  private static long resolveExpiration(
      boolean expGiven,
      Long exp,
      String expText,
      boolean ttlGiven,
      Long ttl,
      String ttlText,
      long nowMillis) {
    long now = Math.floorDiv(nowMillis, 1000L);
    if (ttlGiven) {
      if (ttl == null || ttl <= 0) {
        throw ErrorCode.INVALID_REQUEST.exception(
            "Invalid expiration_ttl of " + ttlText + ". Please specify integer greater than 0.");
      }
      if (ttl < MIN_EXPIRATION_TTL_SECONDS) {
        throw ErrorCode.INVALID_REQUEST.exception(
            "Invalid expiration_ttl of "
                + ttlText
                + ". Expiration TTL must be at least "
                + MIN_EXPIRATION_TTL_SECONDS
                + ".");
      }
      long result;
      try {
        result = Math.addExact(now, ttl);
      } catch (ArithmeticException e) {
        result = Long.MAX_VALUE;
      }
      if (result >= MAX_EXPIRATION_EXCLUSIVE_SECONDS) {
        throw ErrorCode.INVALID_REQUEST.exception(
            "Invalid expiration_ttl of "
                + ttlText
                + ". The resulting expiration must be before "
                + MAX_EXPIRATION_EXCLUSIVE_SECONDS
                + " (the year 10000).");
      }
      return result;
    }
    if (expGiven) {
      if (exp == null || exp <= now) {
        throw ErrorCode.INVALID_REQUEST.exception(
            "Invalid expiration of "
                + expText
                + ". Please specify integer greater than the current number of seconds since the"
                + " UNIX epoch.");
      }
      // exp > now here, so the difference is positive (no overflow for any realistic clock)
      if (exp - now < MIN_EXPIRATION_TTL_SECONDS) {
        throw ErrorCode.INVALID_REQUEST.exception(
            "Invalid expiration of "
                + expText
                + ". Expiration times must be at least "
                + MIN_EXPIRATION_TTL_SECONDS
                + " seconds in the future.");
      }
      if (exp >= MAX_EXPIRATION_EXCLUSIVE_SECONDS) {
        throw ErrorCode.INVALID_REQUEST.exception(
            "Invalid expiration of "
                + expText
                + ". Expiration must be before "
                + MAX_EXPIRATION_EXCLUSIVE_SECONDS
                + " (the year 10000).");
      }
      return exp;
    }
    return 0L;
  }
}
