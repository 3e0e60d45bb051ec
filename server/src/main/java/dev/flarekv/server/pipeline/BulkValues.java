package dev.flarekv.server.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.protocol.validation.KvLimits;
import dev.flarekv.server.pipeline.KvOperation.BulkRead;
import dev.flarekv.storage.KvStore;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A bulk read as both surfaces answer it: each key to its text, its parsed JSON ({@code type:
 * "json"}) or {@code {value, metadata, expiration?}} ({@code withMetadata}), and {@code null} when
 * missing.
 */
final class BulkValues {
  private BulkValues() {}

  static ObjectNode read(KvStore store, NamespaceRef ns, BulkRead read) {
    return render(store.getAll(ns, read.keys()), read);
  }

  /** The answer for {@code found}: each read key to its entry, absent when missing. */
  static ObjectNode render(Map<String, KvEntry> found, BulkRead read) {
    long total = 0;
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (String key : read.keys()) {
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
      JsonNode value = decode(entry.value(), read.json());
      if (read.withMetadata()) {
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

  /**
   * The value as text. Binary values are not supported by bulk get; bytes that are not UTF-8 are
   * decoded leniently (each bad sequence becomes U+FFFD), as a JavaScript {@code TextDecoder} does.
   */
  private static String utf8(byte[] value) {
    return new String(value, StandardCharsets.UTF_8);
  }
}
