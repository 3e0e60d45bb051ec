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
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.util.ArrayList;
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
        entries.add(BulkItem.entry(item, now));
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
}
