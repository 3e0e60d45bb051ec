package dev.flarekv.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.protocol.validation.KvLimits;
import dev.flarekv.protocol.validation.KvValidator;
import dev.flarekv.storage.KvStore;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A11-A13: bulk write, bulk delete and bulk read. */
public final class BulkEndpoint {
  private final KvStore store;
  private final InstantSource clock;

  public BulkEndpoint(KvStore store, InstantSource clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * A11: a JSON array of {@code {key, value, expiration?, expiration_ttl?, metadata?, base64?}}.
   */
  ApiReply put(NamespaceRef ns, ApiRequest request) {
    if (request.body().readableBytes() > KvLimits.MAX_BULK_WRITE_BODY_BYTES) {
      throw ErrorCode.PAYLOAD_TOO_LARGE.exception(
          "Request body of "
              + request.body().readableBytes()
              + " bytes exceeds the limit of "
              + KvLimits.MAX_BULK_WRITE_BODY_BYTES
              + " bytes");
    }
    List<KvEntry> entries = BulkWriteBody.entries(Bodies.jsonBody(request), clock.millis());
    store.putAll(ns, entries);
    return ApiReply.ok(result(entries.size()));
  }

  /**
   * A12: a JSON array of key names ({@code POST /bulk/delete} and the older {@code DELETE /bulk}).
   */
  ApiReply delete(NamespaceRef ns, ApiRequest request) {
    JsonNode body = Bodies.json(request);
    if (!body.isArray()) {
      throw ErrorCode.INVALID_REQUEST.exception("Request body must be a JSON array of key names");
    }
    if (body.size() > KvLimits.MAX_BULK_WRITE_ITEMS) {
      throw tooMany(body.size());
    }
    List<String> keys = new ArrayList<>(body.size());
    for (int i = 0; i < body.size(); i++) {
      JsonNode item = body.get(i);
      JsonNode name = item.isObject() ? item.get("name") : item;
      if (name == null || !name.isTextual()) {
        throw ErrorCode.INVALID_REQUEST.exception("Bulk item " + i + ": key must be a string");
      }
      try {
        keys.add(KvValidator.validateKey(name.asText()));
      } catch (KvException e) {
        throw e.errorCode().exception("Bulk item " + i + ": " + e.getMessage());
      }
    }
    store.deleteAll(ns, keys);
    return ApiReply.ok(result(keys.size()));
  }

  /** A13: {@code {keys, type?, withMetadata?}} to {@code {values: {...}}}. */
  ApiReply get(NamespaceRef ns, ApiRequest request) {
    return ApiReply.ok(
        Map.of("values", new RawJson(KvJson.compact(values(ns, Bodies.json(request))))));
  }

  /**
   * The bulk-get map shared by the REST and binding surfaces: each key to its text, its parsed JSON
   * ({@code type: "json"}) or {@code {value, metadata, expiration?}} ({@code withMetadata}), and
   * {@code null} when missing.
   */
  public ObjectNode values(NamespaceRef ns, JsonNode body) {
    if (!body.isObject()) {
      throw ErrorCode.INVALID_REQUEST.exception("Request body must be a JSON object with keys");
    }
    JsonNode keysNode = body.get("keys");
    if (keysNode == null || !keysNode.isArray()) {
      throw ErrorCode.INVALID_REQUEST.exception("keys must be an array of strings");
    }
    KvValidator.bulkGetKeyCount(keysNode.size());
    JsonNode typeNode = body.get("type");
    if (typeNode != null && !typeNode.isNull() && !typeNode.isTextual()) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "\"" + typeNode + "\" is not a valid type. Use \"json\" or \"text\"");
    }
    boolean json =
        KvValidator.bulkGetJsonType(
            typeNode == null || typeNode.isNull() ? null : typeNode.asText());
    JsonNode withMetadataNode = body.get("withMetadata");
    boolean withMetadata = withMetadataNode != null && withMetadataNode.asBoolean(false);
    JsonNode cacheTtl = body.get("cacheTtl");
    if (cacheTtl != null && !cacheTtl.isNull()) {
      KvValidator.cacheTtl(cacheTtl.asText());
    }
    Set<String> keys = new LinkedHashSet<>();
    for (JsonNode k : keysNode) {
      if (!k.isTextual()) {
        throw ErrorCode.INVALID_REQUEST.exception("keys must be an array of strings");
      }
      keys.add(KvValidator.validateKey(k.asText()));
    }
    Map<String, KvEntry> found = store.getAll(ns, keys);
    long total = 0;
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (String key : keys) {
      KvEntry entry = found.get(key);
      if (entry == null) {
        out.putNull(key);
        continue;
      }
      total += entry.value().length;
      if (total > KvLimits.MAX_BULK_GET_SIZE_BYTES) {
        throw ErrorCode.PAYLOAD_TOO_LARGE.exception(
            "Total size of request exceeds the limit of 25MB");
      }
      JsonNode value = decode(entry.value(), json);
      if (withMetadata) {
        ObjectNode wrapped = out.putObject(key);
        wrapped.set("value", value);
        wrapped.set(
            "metadata",
            entry.metadata() == null
                ? JsonNodeFactory.instance.nullNode()
                : KvJson.parse(entry.metadata().getBytes(StandardCharsets.UTF_8)));
        if (entry.expires()) {
          wrapped.put("expiration", entry.expiration());
        }
      } else {
        out.set(key, value);
      }
    }
    return out;
  }

  private static JsonNode decode(byte[] value, boolean json) {
    String text = utf8(value);
    if (!json) {
      return JsonNodeFactory.instance.textNode(text);
    }
    try {
      return KvJson.parse(value);
    } catch (KvException e) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "At least one of the requested keys corresponds to a non-json value");
    }
  }

  private static String utf8(byte[] value) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value))
          .toString();
    } catch (CharacterCodingException e) {
      // Binary values are not supported by bulk get; decode leniently like a JS TextDecoder.
      return new String(value, StandardCharsets.UTF_8);
    }
  }

  private static Map<String, Object> result(int count) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("successful_key_count", count);
    out.put("unsuccessful_keys", List.of());
    return out;
  }

  static KvException tooMany(int n) {
    return ErrorCode.INVALID_REQUEST.exception(
        "Too many items: " + n + ". A bulk request may contain at most 10000 keys.");
  }
}
