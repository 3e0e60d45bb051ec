package dev.flarekv.server.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.json.KvJson;
import java.time.Instant;

/**
 * One change of a namespace, as the feed reports it.
 *
 * @param op what happened
 * @param key the key
 * @param size the value's length in bytes (puts; 0 otherwise)
 * @param expiration the expiration in epoch seconds, 0 for none
 * @param metadata the metadata as JSON text, or null
 * @param timeMillis when the server saw it, on its clock (emulated time included)
 */
record Change(Op op, String key, int size, long expiration, String metadata, long timeMillis) {
  enum Op {
    PUT,
    DELETE,
    EXPIRE;

    String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The SSE frame: {@code event: <op>} and the change as one line of JSON. */
  String frame() {
    ObjectNode json = KvJson.mapper().createObjectNode();
    json.put("op", op.wire());
    json.put("key", key);
    if (op == Op.PUT) {
      json.put("size", size);
    }
    if (expiration != 0) {
      json.put("expiration", expiration);
    }
    if (metadata != null) {
      json.set(
          "metadata", KvJson.parse(metadata.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    json.put("time", Instant.ofEpochMilli(timeMillis).toString());
    return "event: " + op.wire() + "\ndata: " + json + "\n\n";
  }
}
