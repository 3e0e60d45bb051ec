package dev.flarekv.protocol.validation;

import static dev.flarekv.protocol.validation.KvLimits.MAX_EXPIRATION_EXCLUSIVE_SECONDS;
import static dev.flarekv.protocol.validation.KvLimits.MIN_EXPIRATION_TTL_SECONDS;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Every request-validation rule of Workers KV as a pure static function (docs/kv-semantics.md §1-§9
 * and §13). Each rule either returns the normalised value or throws a {@link KvException} carrying
 * the exact message Cloudflare / Miniflare sends.
 *
 * <p>Integers are parsed strictly: an optional leading {@code -} followed by 1 to 19 ASCII digits
 * that fit a {@code long}. Anything else ({@code "1.5"}, {@code "1e3"}, {@code ""}, {@code " 60"},
 * {@code "+60"}, {@code "90abc"}, overflow) counts as "not a number". This is deliberately stricter
 * than Miniflare's {@code parseInt}, which would read {@code "90abc"} as 90.
 */
public final class KvValidator {
  private static final String BAD_KEY_ESCAPE = "Could not URL-decode key name";
  private static final String BAD_QUERY_ESCAPE = "Could not URL-decode query parameter";
  private static final String INVALID_METADATA = "Invalid metadata JSON";

  private KvValidator() {}

  // ---------------------------------------------------------------- URL decoding (K6, K7)

  /**
   * Percent-decodes one raw URL path segment exactly once ({@code +} stays {@code +}); the decoded
   * bytes must be valid UTF-8.
   *
   * @throws KvException INVALID_REQUEST {@code "Could not URL-decode key name"}
   */
  public static String decodeKey(String rawPathSegment) {
    if (rawPathSegment == null) {
      throw ErrorCode.INVALID_REQUEST.exception(BAD_KEY_ESCAPE);
    }
    return percentDecode(rawPathSegment, false, BAD_KEY_ESCAPE);
  }

  /**
   * Decodes one {@code application/x-www-form-urlencoded} query name or value ({@code +} becomes a
   * space); the decoded bytes must be valid UTF-8. {@code null} stays {@code null}.
   *
   * @throws KvException INVALID_REQUEST {@code "Could not URL-decode query parameter"}
   */
  public static String decodeQueryComponent(String raw) {
    if (raw == null) {
      return null;
    }
    return percentDecode(raw, true, BAD_QUERY_ESCAPE);
  }

  /** True when decoding would return the string unchanged: ASCII without escapes. */
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
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      return decoder.decode(ByteBuffer.wrap(bytes, 0, len)).toString();
    } catch (CharacterCodingException e) {
      throw ErrorCode.INVALID_REQUEST.exception(error);
    }
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

  // ---------------------------------------------------------------- keys (K1-K5, L2)

  /**
   * Validates a decoded key: not empty, not {@code .} or {@code ..}, valid Unicode (no unpaired
   * surrogate), at most 512 UTF-8 bytes; checked in that order.
   *
   * @return the key
   */
  public static String validateKey(String key) {
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

  /**
   * Validates a list prefix: {@code null} means {@code ""}; at most 512 UTF-8 bytes; no unpaired
   * surrogate.
   *
   * @return the prefix, {@code ""} for none
   */
  public static String validatePrefix(String prefix) {
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
    int n = utf8Length(s);
    if (n > KvLimits.MAX_KEY_SIZE_BYTES) {
      throw ErrorCode.KEY_TOO_LONG.exception(
          "UTF-8 encoded length of "
              + n
              + " exceeds key length limit of "
              + KvLimits.MAX_KEY_SIZE_BYTES
              + ".");
    }
  }

  /**
   * The number of bytes of {@code s.getBytes(UTF_8)}, computed without allocating. An unpaired
   * surrogate counts 1 byte, as the JDK encoder replaces it with {@code ?}.
   */
  public static int utf8Length(String s) {
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

  // ---------------------------------------------------------------- expiration (E1-E4)

  /**
   * The absolute expiration (seconds since the epoch) of a write from its raw query parameters, or
   * {@code 0} for none. When {@code ttlRaw} is present it wins and {@code expirationRaw} is not
   * even validated (E3).
   *
   * @param expirationRaw the raw {@code expiration} parameter, or {@code null}
   * @param ttlRaw the raw {@code expiration_ttl} parameter, or {@code null}
   * @param nowMillis the current time in milliseconds since the epoch
   */
  public static long expiration(String expirationRaw, String ttlRaw, long nowMillis) {
    return resolveExpiration(
        expirationRaw != null,
        parseStrictLong(expirationRaw),
        expirationRaw,
        ttlRaw != null,
        parseStrictLong(ttlRaw),
        ttlRaw,
        nowMillis);
  }

  /**
   * As {@link #expiration(String, String, long)} for JSON numbers (bulk put items); messages show
   * the numbers in decimal.
   */
  public static long expiration(Long expiration, Long ttl, long nowMillis) {
    return resolveExpiration(
        expiration != null,
        expiration,
        String.valueOf(expiration),
        ttl != null,
        ttl,
        String.valueOf(ttl),
        nowMillis);
  }

  /**
   * As {@link #expiration(String, String, long)} for the {@code expiration} and {@code
   * expiration_ttl} fields of a JSON item. {@code null}, a missing node and JSON {@code null} mean
   * "absent". Integral JSON numbers (also {@code 120.0}) and strings holding a strict integer
   * ({@code "120"}) are numbers; anything else (fractions, other strings, booleans, containers) is
   * "not a number".
   */
  public static long expirationFromJson(JsonNode expiration, JsonNode ttl, long nowMillis) {
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

  // ---------------------------------------------------------------- metadata (M1, M2)

  /**
   * Validates metadata given as JSON text (header or multipart part): exactly one JSON value of any
   * type whose compact form is at most 1024 UTF-8 bytes. There is no depth limit of its own (the
   * size limit bounds the depth at 512); text nested deeper than the parser's {@link
   * KvJson#MAX_NESTING_DEPTH} is far over the size limit and is refused as invalid.
   *
   * @return the compact JSON text, or {@code null} when {@code jsonText} is {@code null} or the
   *     JSON literal {@code null} (no metadata)
   */
  public static String metadata(String jsonText) {
    if (jsonText == null) {
      return null;
    }
    JsonNode node;
    try {
      node = KvJson.mapper().readTree(jsonText);
    } catch (JsonProcessingException | IllegalArgumentException | ArithmeticException e) {
      throw ErrorCode.INVALID_REQUEST.exception(INVALID_METADATA);
    }
    if (node == null || node.isMissingNode()) {
      throw ErrorCode.INVALID_REQUEST.exception(INVALID_METADATA);
    }
    return metadata(node);
  }

  /**
   * As {@link #metadata(String)} for an already-parsed value; {@code null}, JSON {@code null} and a
   * missing node mean "no metadata".
   */
  public static String metadata(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    String compact = KvJson.compact(node);
    if (hasUnpairedSurrogate(compact)) {
      throw ErrorCode.INVALID_REQUEST.exception(INVALID_METADATA);
    }
    int n = utf8Length(compact);
    if (n > KvLimits.MAX_METADATA_SIZE_BYTES) {
      throw ErrorCode.PAYLOAD_TOO_LARGE.exception(
          "Metadata length of "
              + n
              + " exceeds limit of "
              + KvLimits.MAX_METADATA_SIZE_BYTES
              + ".");
    }
    return compact;
  }

  // ---------------------------------------------------------------- values (V1)

  /** Rejects a value longer than 26,214,400 bytes with PAYLOAD_TOO_LARGE. */
  public static void valueSize(long length) {
    if (length > KvLimits.MAX_VALUE_SIZE_BYTES) {
      throw ErrorCode.PAYLOAD_TOO_LARGE.exception(
          "Value length of " + length + " exceeds limit of " + KvLimits.MAX_VALUE_SIZE_BYTES + ".");
    }
  }

  // ---------------------------------------------------------------- list limits (L3, L4)

  /** The wire {@code key_count_limit}: default 1000, 1..1000. */
  public static int bindingListLimit(String raw) {
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

  /** The REST {@code limit}: default 1000 ({@code null} or {@code ""}), 10..1000. */
  public static int restListLimit(String raw) {
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

  /** The {@code cache_ttl} of a read: absent is fine, else an integer of at least 30. */
  public static void cacheTtl(String raw) {
    if (raw == null) {
      return;
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
  }

  // ---------------------------------------------------------------- namespaces (N1, N2, N5)

  /**
   * A namespace title: required (not blank), at most 512 characters (Unicode code points), valid
   * Unicode.
   *
   * @return the title unchanged
   */
  public static String namespaceTitle(String title) {
    if (title == null || title.isBlank()) {
      throw ErrorCode.MISSING_TITLE.exception();
    }
    if (hasUnpairedSurrogate(title)) {
      throw ErrorCode.INVALID_REQUEST.exception("title: must be valid UTF-8");
    }
    if (title.codePointCount(0, title.length()) > KvLimits.MAX_TITLE_LENGTH) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "title: exceeds the " + KvLimits.MAX_TITLE_LENGTH + "-character limit");
    }
    return title;
  }

  /** The {@code page} of a namespace listing: default 1, an integer of at least 1. */
  public static int page(String raw) {
    if (raw == null) {
      return 1;
    }
    Long n = parseStrictLong(raw);
    if (n == null || n < 1 || n > Integer.MAX_VALUE) {
      throw ErrorCode.INVALID_REQUEST.exception("page: must be an integer from 1 to 2147483647");
    }
    return n.intValue();
  }

  /** The {@code per_page} of a namespace listing: default 20, 1..1000. */
  public static int perPage(String raw) {
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

  /** Whether {@code id} is a namespace id: exactly 32 characters of {@code [0-9a-f]}. */
  public static boolean isValidNamespaceId(String id) {
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

  /** Whether {@code id} is an account id: 1 to 64 characters of {@code [A-Za-z0-9_-]}. */
  public static boolean isValidAccountId(String id) {
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

  // ---------------------------------------------------------------- bulk get (B1)

  /** The number of keys of a bulk get: 1..100. */
  public static void bulkGetKeyCount(int n) {
    if (n < 1) {
      throw ErrorCode.INVALID_REQUEST.exception("You must request a minimum of 1 key");
    }
    if (n > KvLimits.MAX_BULK_GET_KEYS) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "You can request a maximum of " + KvLimits.MAX_BULK_GET_KEYS + " keys");
    }
  }

  /**
   * The {@code type} of a bulk get.
   *
   * @return {@code true} for {@code "json"}, {@code false} for {@code "text"} or {@code null}
   */
  public static boolean bulkGetJsonType(String type) {
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
