package dev.flarekv.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.validation.KvValidator;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One item of wrangler's bulk format ({@code key, value, base64?, metadata?, expiration?,
 * expiration_ttl?}), checked by the rules of a bulk write: the bulk write endpoint and the seed
 * files (docs/state.md) share them.
 */
public final class BulkItem {
  private BulkItem() {}

  /**
   * The entry one bulk item writes.
   *
   * @param now the server clock's time in milliseconds, for {@code expiration_ttl} and the
   *     expiration checks
   * @throws KvException 400 naming the rule the item breaks
   */
  public static KvEntry entry(JsonNode item, long now) {
    if (!item.isObject()) {
      throw ErrorCode.INVALID_REQUEST.exception("each item must be an object with key and value");
    }
    JsonNode keyNode = item.get("key");
    if (keyNode == null || !keyNode.isTextual()) {
      throw ErrorCode.INVALID_REQUEST.exception("key must be a string");
    }
    String key = KvValidator.validateKey(keyNode.asText());
    JsonNode valueNode = item.get("value");
    if (valueNode == null || !valueNode.isTextual()) {
      throw ErrorCode.INVALID_REQUEST.exception("value of \"" + key + "\" must be a string");
    }
    long expiration =
        KvValidator.expirationFromJson(item.get("expiration"), item.get("expiration_ttl"), now);
    String metadata = KvValidator.metadata(item.get("metadata"));
    JsonNode base64 = item.get("base64");
    if (base64 != null && !base64.isNull() && !base64.isBoolean()) {
      throw ErrorCode.INVALID_REQUEST.exception("base64 of \"" + key + "\" must be a boolean");
    }
    byte[] value;
    if (base64 != null && base64.asBoolean()) {
      value = base64(key, valueNode.asText());
    } else {
      value = valueNode.asText().getBytes(StandardCharsets.UTF_8);
    }
    KvValidator.valueSize(value.length);
    return new KvEntry(key, value, metadata, expiration);
  }

  /** Standard base64 (URL-safe alphabet and line breaks tolerated); anything else is a 400. */
  private static byte[] base64(String key, String text) {
    String compact = text.replaceAll("[\\r\\n\\t ]", "");
    try {
      return compact.indexOf('-') >= 0 || compact.indexOf('_') >= 0
          ? Base64.getUrlDecoder().decode(compact)
          : Base64.getDecoder().decode(compact);
    } catch (IllegalArgumentException e) {
      throw ErrorCode.INVALID_REQUEST.exception("value of \"" + key + "\" is not valid base64");
    }
  }
}
