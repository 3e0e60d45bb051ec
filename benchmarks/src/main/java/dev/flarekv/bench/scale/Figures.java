package dev.flarekv.bench.scale;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.bench.load.LoadResult;
import dev.flarekv.protocol.json.KvJson;

/** A {@link LoadResult} as JSON, the same fields as {@code load --json}. */
final class Figures {
  private Figures() {}

  static ObjectNode of(LoadResult r) {
    ObjectNode o = KvJson.mapper().createObjectNode();
    o.put("durationSeconds", round(r.measuredNanos() / 1e9));
    o.put("operations", r.ops());
    o.put("requests", r.requests());
    o.put("errors", r.errors());
    ObjectNode kinds = o.putObject("errorKinds");
    r.errorKinds().forEach(kinds::put);
    o.put("opsPerSecond", round(r.opsPerSecond()));
    ObjectNode lat = o.putObject("latencyMs");
    lat.put("p50", round(r.millisAt(50)));
    lat.put("p90", round(r.millisAt(90)));
    lat.put("p99", round(r.millisAt(99)));
    lat.put("p99.9", round(r.millisAt(99.9)));
    lat.put("max", round(r.maxMillis()));
    lat.put("mean", round(r.meanMillis()));
    if (r.sendLag() != null) {
      ObjectNode lag = o.putObject("sendLagMs");
      lag.put("p50", round(r.sendLagMillisAt(50)));
      lag.put("p99", round(r.sendLagMillisAt(99)));
      lag.put("max", round(r.sendLagMillisAt(100)));
    }
    return o;
  }

  /** Rounds to three decimals, as the scale output shows its figures. */
  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
