package dev.flarekv.server.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.validation.KvLimits;
import dev.flarekv.protocol.validation.KvValidator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The body of a bulk write (A11), read as a stream: one item at a time is built as a JSON tree,
 * checked and turned into the {@link KvEntry} the store writes, so a 100 MB body never becomes one
 * 100 MB tree (a tree, its strings and the decoded values cost several times the body).
 *
 * <p>The answer is the one a whole-body parse gives, in the same order of precedence: a body that
 * is not JSON (anywhere, even after a bad item), then one that is not an array, then too many
 * items, then the first bad item. So the whole body is always read to its end, and after the first
 * refusal the rest is only checked for syntax and counted, not kept.
 */
final class BulkWriteBody {
  private BulkWriteBody() {}

  /**
   * The entries of the body, in order.
   *
   * @throws KvException the error a whole-body parse and check would report; nothing is written
   */
  static List<KvEntry> entries(ByteBuf body, long now) {
    try (JsonParser parser = KvJson.parser(new ByteBufInputStream(body.duplicate()))) {
      return read(parser, now);
    } catch (IOException e) {
      throw KvJson.invalidBody(e);
    }
  }

  private static List<KvEntry> read(JsonParser parser, long now) throws IOException {
    JsonToken first = parser.nextToken();
    if (first == null) {
      throw new JsonParseException(parser, "no JSON value");
    }
    if (first != JsonToken.START_ARRAY) {
      parser.skipChildren();
      requireEnd(parser);
      throw ErrorCode.INVALID_REQUEST.exception(
          "Request body must be a JSON array of key-value pairs");
    }
    List<KvEntry> entries = new ArrayList<>();
    KvException refused = null;
    int count = 0;
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
      if (t == null) {
        throw new JsonParseException(parser, "unclosed array");
      }
      count++;
      if (refused != null || count > KvLimits.MAX_BULK_WRITE_ITEMS) {
        entries = List.of(); // nothing will be written: let the entries read so far go
        parser.skipChildren();
        continue;
      }
      JsonNode item = KvJson.readTree(parser);
      try {
        entries.add(item(item, now));
      } catch (KvException e) {
        refused = e.errorCode().exception("Bulk item " + (count - 1) + ": " + e.getMessage());
      }
    }
    requireEnd(parser);
    if (count > KvLimits.MAX_BULK_WRITE_ITEMS) {
      throw BulkEndpoint.tooMany(count);
    }
    if (refused != null) {
      throw refused;
    }
    return entries;
  }

  /** Exactly one JSON value per body: only whitespace may follow it. */
  private static void requireEnd(JsonParser parser) throws IOException {
    if (parser.nextToken() != null) {
      throw new JsonParseException(parser, "trailing content after the JSON value");
    }
  }

  private static KvEntry item(JsonNode item, long now) {
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
