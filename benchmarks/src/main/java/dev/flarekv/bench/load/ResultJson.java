package dev.flarekv.bench.load;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON fields of a {@link LoadResult} that {@code load --json} and every measured run of {@code
 * scale} share, written in the same order and rounding by both.
 */
public final class ResultJson {
  private ResultJson() {}

  /** Rounds to three decimals, as the JSON output shows its figures. */
  public static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** {@code operations}, {@code requests}, {@code errors} and {@code errorKinds}. */
  public static void putCounts(ObjectNode o, LoadResult r) {
    o.put("operations", r.ops());
    o.put("requests", r.requests());
    o.put("errors", r.errors());
    ObjectNode kinds = o.putObject("errorKinds");
    r.errorKinds().forEach(kinds::put);
  }

  /**
   * {@code latencyMs} (p50, p90, p99, p99.9, max, mean) and, for an open loop, {@code sendLagMs}
   * (p50, p99, max).
   */
  public static void putLatencies(ObjectNode o, LoadResult r) {
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
  }
}
