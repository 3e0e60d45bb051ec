package dev.flarekv.server.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.model.KeyPage;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.server.api.ApiReply;
import java.util.Optional;

/**
 * What the store answered to one {@link KvOperation}, for its surface to render: the one field its
 * kind fills.
 *
 * @param entry a read's value, empty when missing
 * @param page a list's page
 * @param values a bulk read's map of key to value (or null when missing)
 * @param count how many keys a bulk write or delete touched
 * @param reply a call's own reply
 */
public record KvResult(
    Optional<KvEntry> entry, KeyPage page, ObjectNode values, int count, ApiReply reply) {
  /** A write or delete done. */
  public static final KvResult DONE = new KvResult(null, null, null, 0, null);

  /** A memory-only read that would have blocked: the request goes the blocking way. */
  public static final KvResult DECLINED = new KvResult(null, null, null, 0, null);

  static KvResult of(Optional<KvEntry> entry) {
    return new KvResult(entry, null, null, 0, null);
  }

  static KvResult of(KeyPage page) {
    return new KvResult(null, page, null, 0, null);
  }

  static KvResult of(ObjectNode values) {
    return new KvResult(null, null, values, 0, null);
  }

  static KvResult count(int count) {
    return new KvResult(null, null, null, count, null);
  }

  static KvResult of(ApiReply reply) {
    return new KvResult(null, null, null, 0, reply);
  }
}
