package dev.flarekv.bench.scale;

import static dev.flarekv.bench.load.ResultJson.round;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.bench.cli.Durations;
import dev.flarekv.bench.load.LoadPlan;
import dev.flarekv.bench.load.LoadResult;
import dev.flarekv.bench.load.LoadRunner;
import dev.flarekv.bench.load.Preloader;
import dev.flarekv.bench.load.Surface;
import dev.flarekv.bench.load.Workload;
import dev.flarekv.protocol.client.KvClient;
import dev.flarekv.protocol.json.KvJson;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;

/**
 * The {@code sweep} part of {@code scale}: open-loop reads of hot keys, first as a baseline, then
 * while the sweeper removes many keys that expire at one instant, with the sweep's progress read
 * from {@code /metrics}. A picocli mixin: its options are the part's own.
 */
final class SweepPart {
  @Option(names = "--hot-keys", defaultValue = "10000", description = "keys read in the sweep part")
  int hotKeys;

  @Option(
      names = "--expiring-keys",
      defaultValue = "1000000",
      description = "keys sharing one absolute expiration (default: ${DEFAULT-VALUE})")
  int expiringKeys;

  @Option(
      names = "--read-rate",
      defaultValue = "5000",
      description = "open-loop reads/s of hot keys in the sweep part (default: ${DEFAULT-VALUE})")
  double readRate;

  @Option(
      names = "--read-connections",
      defaultValue = "16",
      description = "connections of the open-loop read (default: ${DEFAULT-VALUE})")
  int readConnections;

  @Option(
      names = "--baseline",
      defaultValue = "30s",
      description = "measured read window before the expiry instant (default: ${DEFAULT-VALUE})")
  String baseline;

  @Option(
      names = "--sweep-timeout",
      defaultValue = "5m",
      description = "longest sweep window; the sweep counts as unfinished after it")
  String sweepTimeout;

  @Option(
      names = "--assumed-preload-rate",
      defaultValue = "20000",
      description =
          "expiring keys/s the preload is planned for when computing the expiry instant; a slower"
              + " preload stops with an error (default: ${DEFAULT-VALUE})")
  double assumedPreloadRate;

  @Option(
      names = "--expiry-margin",
      defaultValue = "5",
      description = "seconds added to the expiry instant beyond preload + 60 s")
  long expiryMargin;

  ObjectNode run(ScaleRun run) throws Exception {
    KvClient client = run.client();
    PrintStream log = run.log();
    ObjectNode node = KvJson.mapper().createObjectNode();
    String ns = run.createNamespace("sweep");
    Preloader.restBulk(client, ns, Workload.READ, hotKeys, run.valueSize(), log);
    ExpiryPlan expiry =
        ExpiryPlan.compute(
            System.currentTimeMillis(), expiringKeys, assumedPreloadRate, expiryMargin);
    log.printf(
        Locale.ROOT,
        "sweep: %,d keys expire together at %d (%s)%n",
        expiringKeys,
        expiry.instantSeconds(),
        java.time.Instant.ofEpochSecond(expiry.instantSeconds()));
    long t0 = System.nanoTime();
    run.writeKeys(
        ns, "exp:", expiringKeys, Workload.value(run.valueSize()), expiry.instantSeconds(), expiry);
    double preloadSeconds = (System.nanoTime() - t0) / 1e9;
    node.put("namespace", ns);
    node.put("hotKeys", hotKeys);
    node.put("expiringKeys", expiringKeys);
    node.put("valueSize", run.valueSize());
    node.put("expiration", expiry.instantSeconds());
    node.put("preloadSeconds", round(preloadSeconds));
    node.put("readRate", readRate);
    node.put("connections", readConnections);
    node.put("mode", "open");

    SweptCounter swept = new SweptCounter(run.target());
    double swept0 = swept.read();
    node.put("sweptBefore", swept0);

    Surface.Requests requests = run.requests(ns);
    LoadPlan.Builder reads =
        run.plan(Workload.READ, requests).keys(hotKeys).connections(readConnections).rate(readRate);
    Duration minWarmup = Duration.ofSeconds(2);
    long guard = TimeUnit.SECONDS.toNanos(1);
    long instantNanos = expiry.instantNanos(System.currentTimeMillis(), System.nanoTime());
    long available = instantNanos - guard - System.nanoTime();
    long wanted = Durations.parse(baseline).toNanos();
    if (available < minWarmup.toNanos() + TimeUnit.SECONDS.toNanos(1)) {
      throw new IllegalStateException(
          "no time left for a baseline before the expiry instant: raise --expiry-margin");
    }
    long baselineNanos = Math.min(wanted, available - minWarmup.toNanos());
    long baselineWarmup = available - baselineNanos;
    log.printf(
        Locale.ROOT,
        "sweep: baseline reads at %.0f/s, %.1f s measured after %.1f s%n",
        readRate,
        baselineNanos / 1e9,
        baselineWarmup / 1e9);
    // The sweep window polls /metrics 4 times a second to follow the sweeper; the baseline polls
    // the same way, so both windows carry the same observer load and the ratio is fair.
    SweepWatch baselinePolls =
        new SweepWatch(swept, swept0, Double.POSITIVE_INFINITY, instantNanos, null);
    Thread baselinePoller = baselinePolls.start("flarekv-bench-baseline-watch");
    LoadResult before =
        new LoadRunner(
                reads
                    .warmup(Duration.ofNanos(baselineWarmup))
                    .duration(Duration.ofNanos(baselineNanos))
                    .build())
            .run(p -> {});
    baselinePolls.stop();
    baselinePoller.join(5_000);

    // the sweep window: reads keep going; measured from the instant until all keys are swept
    long untilInstant = Math.max(0, instantNanos - System.nanoTime());
    Duration limit = Durations.parse(sweepTimeout);
    LoadRunner during =
        new LoadRunner(reads.warmup(Duration.ofNanos(untilInstant)).duration(limit).build());
    SweepWatch watch = new SweepWatch(swept, swept0, swept0 + expiringKeys, instantNanos, during);
    Thread watcher = watch.start("flarekv-bench-sweep-watch");
    log.printf(
        Locale.ROOT,
        "sweep: waiting %.1f s for the instant, then for the sweep%n",
        untilInstant / 1e9);
    LoadResult sweep = during.run(p -> {});
    watch.stop();
    watcher.join(5_000);

    ObjectNode b = Figures.of(before);
    ObjectNode d = Figures.of(sweep);
    node.set("baseline", b);
    node.set("sweep", d);
    ObjectNode sw = node.putObject("sweeper");
    sw.put("completed", watch.endNanos > 0);
    sw.put("swept", watch.last - swept0);
    if (watch.startNanos > 0) {
      sw.put("firstDeletionAfterInstantSeconds", round((watch.startNanos - instantNanos) / 1e9));
    }
    if (watch.endNanos > 0) {
      double window = (watch.endNanos - instantNanos) / 1e9;
      double active = (watch.endNanos - watch.startNanos) / 1e9;
      sw.put("windowSeconds", round(window));
      sw.put("activeSeconds", round(active));
      sw.put("keysPerSecond", round(expiringKeys / Math.max(active, 0.25)));
    }
    ArrayNode timeline = sw.putArray("timeline");
    for (double[] point : watch.timeline()) {
      timeline.addArray().add(round(point[0])).add((long) point[1]);
    }
    ObjectNode ratio = node.putObject("ratio");
    ratio.put(
        "p99",
        round(
            d.path("latencyMs").path("p99").asDouble()
                / Math.max(1e-9, b.path("latencyMs").path("p99").asDouble())));
    ratio.put(
        "p50",
        round(
            d.path("latencyMs").path("p50").asDouble()
                / Math.max(1e-9, b.path("latencyMs").path("p50").asDouble())));
    ratio.put("target", 2.0);
    return node;
  }
}
