package dev.flarekv.bench.scale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.bench.cli.Durations;
import dev.flarekv.bench.cli.Target;
import dev.flarekv.bench.load.LoadPlan;
import dev.flarekv.bench.load.Surface;
import dev.flarekv.bench.load.Workload;
import dev.flarekv.protocol.client.KvClient;
import dev.flarekv.protocol.json.KvJson;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * What the parts of one {@code scale} run share: the target and its REST client, the log, the
 * settings common to the parts, and the setup steps they all take (a fresh namespace, bulk writes,
 * a load plan aimed at the target).
 */
final class ScaleRun {
  static final int BULK_PAIRS = 10_000;

  private final Target target;
  private final KvClient client;
  private final PrintStream log;
  private final String warmup;
  private final int valueSize;
  private final String timeout;

  /**
   * @param warmup the warm-up of each measured run that has no other (a duration option's text)
   * @param valueSize bytes per value of list, hot and expiring keys
   * @param timeout per request (a duration option's text)
   */
  ScaleRun(Target target, PrintStream log, String warmup, int valueSize, String timeout) {
    this.target = target;
    this.client = target.client();
    this.log = log;
    this.warmup = warmup;
    this.valueSize = valueSize;
    this.timeout = timeout;
  }

  Target target() {
    return target;
  }

  KvClient client() {
    return client;
  }

  PrintStream log() {
    return log;
  }

  /** The warm-up, parsed when a part asks, so a bad value fails that part only. */
  Duration warmup() {
    return Durations.parse(warmup);
  }

  int valueSize() {
    return valueSize;
  }

  /** The per-request timeout, parsed when a part asks, so a bad value fails that part only. */
  Duration timeout() {
    return Durations.parse(timeout);
  }

  /** The requests of namespace {@code ns} on the target's surface. */
  Surface.Requests requests(String ns) {
    return target.requests(ns);
  }

  /**
   * A plan aimed at the target with these requests, the per-request timeout, the value size and a
   * TTL of one hour; the part sets connections, warm-up, duration and rate.
   */
  LoadPlan.Builder plan(Workload workload, Surface.Requests requests) {
    return LoadPlan.builder()
        .target(target.host(), target.port())
        .workload(workload)
        .requests(requests)
        .timeout(timeout())
        .listKeys(1)
        .valueSize(valueSize)
        .ttl(3600);
  }

  String createNamespace(String what) {
    String ns =
        client.createNamespace("flarekv-scale-" + what + "-" + System.currentTimeMillis()).id();
    log.println("namespace " + what + ": " + ns);
    return ns;
  }

  /**
   * Bulk-writes {@code prefix + %08d} for 0..count-1, {@value #BULK_PAIRS} pairs per request, with
   * an absolute expiration when {@code expiration > 0}; {@code plan}, when given, is checked before
   * every request so a preload too slow for it fails instead of being rejected by the server.
   */
  void writeKeys(
      String ns, String prefix, int count, byte[] value, long expiration, ExpiryPlan plan) {
    String v = new String(value, StandardCharsets.US_ASCII);
    long started = System.nanoTime();
    for (int i = 0; i < count; ) {
      if (plan != null && !plan.writableAt(System.currentTimeMillis())) {
        throw new IllegalStateException(
            "preload too slow for the planned expiry instant after "
                + i
                + " keys: lower --assumed-preload-rate");
      }
      ArrayNode items = KvJson.mapper().createArrayNode();
      for (int end = Math.min(count, i + BULK_PAIRS); i < end; i++) {
        ObjectNode item = items.addObject().put("key", key(prefix, i)).put("value", v);
        if (expiration > 0) {
          item.put("expiration", expiration);
        }
      }
      client.bulkPut(ns, items);
      if (count >= 100_000 && i % 100_000 == 0) {
        log.printf(
            Locale.ROOT,
            "preload %s: %,d / %,d keys, %.0f keys/s%n",
            prefix,
            i,
            count,
            i / ((System.nanoTime() - started) / 1e9));
      }
    }
  }

  static String key(String prefix, int i) {
    String digits = Integer.toString(i);
    return prefix + "0".repeat(Math.max(0, 8 - digits.length())) + digits;
  }
}
