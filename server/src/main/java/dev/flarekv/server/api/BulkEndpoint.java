package dev.flarekv.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.protocol.validation.KvLimits;
import dev.flarekv.protocol.validation.KvValidator;
import dev.flarekv.server.pipeline.KvOperation;
import dev.flarekv.server.pipeline.KvOperation.Origin;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/** A11-A13: bulk write, bulk delete and bulk read. */
public final class BulkEndpoint {
  private final InstantSource clock;

  public BulkEndpoint(InstantSource clock) {
    this.clock = clock;
  }

  /**
   * A11: a JSON array of {@code {key, value, expiration?, expiration_ttl?, metadata?, base64?}}.
   */
  KvOperation put(Origin origin, NamespaceRef ns, ApiRequest request) {
    if (request.body().readableBytes() > KvLimits.MAX_BULK_WRITE_BODY_BYTES) {
      throw ErrorCode.PAYLOAD_TOO_LARGE.exception(
          "Request body of "
              + request.body().readableBytes()
              + " bytes exceeds the limit of "
              + KvLimits.MAX_BULK_WRITE_BODY_BYTES
              + " bytes");
    }
    List<KvEntry> entries = BulkWriteBody.entries(Bodies.jsonBody(request), clock.millis());
    return KvOperation.bulkPut(origin, ns, entries);
  }

  /**
   * A12: a JSON array of key names ({@code POST /bulk/delete} and the older {@code DELETE /bulk}).
   */
  static KvOperation delete(Origin origin, NamespaceRef ns, ApiRequest request) {
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
    return KvOperation.bulkDelete(origin, ns, keys);
  }

  /** A13: {@code {keys, type?, withMetadata?}} to {@code {values: {...}}}. */
  static KvOperation get(Origin origin, NamespaceRef ns, ApiRequest request) {
    return KvOperation.bulkGet(origin, ns, read(Bodies.json(request)));
  }

  /** A13's reply. */
  static ApiReply values(ObjectNode values) {
    return ApiReply.ok(Map.of("values", new RawJson(KvJson.compact(values))));
  }

  /** A11's and A12's reply. */
  static ApiReply done(int count) {
    return ApiReply.ok(result(count));
  }

  /**
   * The arguments of a bulk read, as both surfaces take them: {@code {keys, type?, withMetadata?,
   * cacheTtl?}}.
   */
  public static KvOperation.BulkRead read(JsonNode body) {
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
    cacheTtl(body);
    Set<String> keys = new LinkedHashSet<>();
    for (JsonNode k : keysNode) {
      if (!k.isTextual()) {
        throw ErrorCode.INVALID_REQUEST.exception("keys must be an array of strings");
      }
      keys.add(KvValidator.validateKey(k.asText()));
    }
    return new KvOperation.BulkRead(Collections.unmodifiableSet(keys), json, withMetadata);
  }

  /**
   * The {@code cacheTtl} of a bulk read's body (a JSON object), validated (R2); empty when absent.
   */
  public static OptionalLong cacheTtl(JsonNode body) {
    JsonNode cacheTtl = body.get("cacheTtl");
    return cacheTtl == null || cacheTtl.isNull()
        ? OptionalLong.empty()
        : KvValidator.cacheTtl(cacheTtl.asText());
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
