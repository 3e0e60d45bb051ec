package dev.flarekv.bench.scale;

import static dev.flarekv.bench.load.ResultJson.round;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.bench.load.LoadResult;
import dev.flarekv.bench.load.ResultJson;
import dev.flarekv.protocol.json.KvJson;

/** A {@link LoadResult} as JSON, the same fields as {@code load --json}. */
final class Figures {
  private Figures() {}

  static ObjectNode of(LoadResult r) {
    ObjectNode o = KvJson.mapper().createObjectNode();
    o.put("durationSeconds", round(r.measuredNanos() / 1e9));
    ResultJson.putCounts(o, r);
    o.put("opsPerSecond", round(r.opsPerSecond()));
    ResultJson.putLatencies(o, r);
    return o;
  }
}
