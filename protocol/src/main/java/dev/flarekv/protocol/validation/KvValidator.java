package dev.flarekv.protocol.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import java.util.OptionalLong;

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
  private KvValidator() {}

  // ---------------------------------------------------------------- URL decoding (K6, K7)

  /**
   * Percent-decodes one raw URL path segment exactly once ({@code +} stays {@code +}); the decoded
   * bytes must be valid UTF-8.
   *
   * @throws KvException INVALID_REQUEST {@code "Could not URL-decode key name"}
   */
  public static String decodeKey(String rawPathSegment) {
    return UrlDecoding.decodeKey(rawPathSegment);
  }

  /**
   * Decodes one {@code application/x-www-form-urlencoded} query name or value ({@code +} becomes a
   * space); the decoded bytes must be valid UTF-8. {@code null} stays {@code null}.
   *
   * @throws KvException INVALID_REQUEST {@code "Could not URL-decode query parameter"}
   */
  public static String decodeQueryComponent(String raw) {
    return UrlDecoding.decodeQueryComponent(raw);
  }

  // ---------------------------------------------------------------- keys (K1-K5, L2)

  /**
   * Validates a decoded key: not empty, not {@code .} or {@code ..}, valid Unicode (no unpaired
   * surrogate), at most 512 UTF-8 bytes; checked in that order.
   *
   * @return the key
   */
  public static String validateKey(String key) {
    return KeyRules.validateKey(key);
  }

  /**
   * Validates a list prefix: {@code null} means {@code ""}; at most 512 UTF-8 bytes; no unpaired
   * surrogate.
   *
   * @return the prefix, {@code ""} for none
   */
  public static String validatePrefix(String prefix) {
    return KeyRules.validatePrefix(prefix);
  }

  /**
   * The number of bytes of {@code s.getBytes(UTF_8)}, computed without allocating. An unpaired
   * surrogate counts 1 byte, as the JDK encoder replaces it with {@code ?}.
   */
  public static int utf8Length(String s) {
    return KeyRules.utf8Length(s);
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
    return ExpirationRules.expiration(expirationRaw, ttlRaw, nowMillis);
  }

  /**
   * As {@link #expiration(String, String, long)} for JSON numbers (bulk put items); messages show
   * the numbers in decimal.
   */
  public static long expiration(Long expiration, Long ttl, long nowMillis) {
    return ExpirationRules.expiration(expiration, ttl, nowMillis);
  }

  /**
   * As {@link #expiration(String, String, long)} for the {@code expiration} and {@code
   * expiration_ttl} fields of a JSON item. {@code null}, a missing node and JSON {@code null} mean
   * "absent". Integral JSON numbers (also {@code 120.0}) and strings holding a strict integer
   * ({@code "120"}) are numbers; anything else (fractions, other strings, booleans, containers) is
   * "not a number".
   */
  public static long expirationFromJson(JsonNode expiration, JsonNode ttl, long nowMillis) {
    return ExpirationRules.expirationFromJson(expiration, ttl, nowMillis);
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
    return PayloadRules.metadata(jsonText);
  }

  /**
   * As {@link #metadata(String)} for an already-parsed value; {@code null}, JSON {@code null} and a
   * missing node mean "no metadata".
   */
  public static String metadata(JsonNode node) {
    return PayloadRules.metadata(node);
  }

  // ---------------------------------------------------------------- values (V1)

  /** Rejects a value longer than 26,214,400 bytes with PAYLOAD_TOO_LARGE. */
  public static void valueSize(long length) {
    PayloadRules.valueSize(length);
  }

  // ---------------------------------------------------------------- list limits (L3, L4)

  /** The wire {@code key_count_limit}: default 1000, 1..1000. */
  public static int bindingListLimit(String raw) {
    return RequestParams.bindingListLimit(raw);
  }

  /** The REST {@code limit}: default 1000 ({@code null} or {@code ""}), 10..1000. */
  public static int restListLimit(String raw) {
    return RequestParams.restListLimit(raw);
  }

  // ---------------------------------------------------------------- reads (R2)

  /**
   * The {@code cache_ttl} of a read: absent is fine (empty), else an integer of at least 30.
   *
   * @return the seconds given, empty when absent
   */
  public static OptionalLong cacheTtl(String raw) {
    return RequestParams.cacheTtl(raw);
  }

  // ---------------------------------------------------------------- namespaces (N1, N2, N5)

  /**
   * A namespace title: required (not blank), at most 512 characters (Unicode code points), valid
   * Unicode.
   *
   * @return the title unchanged
   */
  public static String namespaceTitle(String title) {
    return NamespaceRules.namespaceTitle(title);
  }

  /** The {@code page} of a namespace listing: default 1, an integer of at least 1. */
  public static int page(String raw) {
    return RequestParams.page(raw);
  }

  /** The {@code per_page} of a namespace listing: default 20, 1..1000. */
  public static int perPage(String raw) {
    return RequestParams.perPage(raw);
  }

  /** Whether {@code id} is a namespace id: exactly 32 characters of {@code [0-9a-f]}. */
  public static boolean isValidNamespaceId(String id) {
    return NamespaceRules.isValidNamespaceId(id);
  }

  /** Whether {@code id} is an account id: 1 to 64 characters of {@code [A-Za-z0-9_-]}. */
  public static boolean isValidAccountId(String id) {
    return NamespaceRules.isValidAccountId(id);
  }

  // ---------------------------------------------------------------- bulk get (B1)

  /** The number of keys of a bulk get: 1..100. */
  public static void bulkGetKeyCount(int n) {
    RequestParams.bulkGetKeyCount(n);
  }

  /**
   * The {@code type} of a bulk get.
   *
   * @return {@code true} for {@code "json"}, {@code false} for {@code "text"} or {@code null}
   */
  public static boolean bulkGetJsonType(String type) {
    return RequestParams.bulkGetJsonType(type);
  }
}
