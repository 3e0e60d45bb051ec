package dev.flarekv.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.bench.cli.Durations;
import dev.flarekv.bench.cli.Target;
import dev.flarekv.bench.cli.TargetOptions;
import dev.flarekv.bench.load.LoadPlan;
import dev.flarekv.bench.load.LoadResult;
import dev.flarekv.bench.load.LoadRunner;
import dev.flarekv.bench.load.Preloader;
import dev.flarekv.bench.load.Req;
import dev.flarekv.bench.load.Surface;
import dev.flarekv.bench.load.Workload;
import dev.flarekv.protocol.client.KeyListPage;
import dev.flarekv.protocol.client.KvClient;
import dev.flarekv.protocol.json.KvJson;
import io.netty.buffer.ByteBuf;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flarekv-bench scale}: how the cost of list, sweep and large values grows with work. */
@Command(
    name = "scale",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Scale curves of a running flarekv: list first-page latency at growing namespace sizes,"
          + " read latency while the sweeper removes many expired keys, and the server's RSS"
          + " while large values are written and read.",
      "Only loopback addresses are accepted as targets."
    })
public final class ScaleCommand implements Callable<Integer> {
  static final String LIST_PREFIX = "session:";
  static final int BULK_PAIRS = 10_000;
  private static final long MIB = 1024L * 1024;

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin TargetOptions targetOptions;

  @Option(
      names = {"-s", "--surface"},
      defaultValue = "binding",
      description = "surface of the measured requests: binding | rest (default: ${DEFAULT-VALUE})")
  String surface;

  @Option(
      names = "--parts",
      defaultValue = "list,sweep,rss",
      split = ",",
      description = "parts to run, in this order: list, sweep, rss (default: ${DEFAULT-VALUE})")
  List<String> parts;

  @Option(
      names = "--list-sizes",
      defaultValue = "1000,100000,1000000",
      split = ",",
      description =
          "keys under the listed prefix, one fresh namespace each (default: ${DEFAULT-VALUE})")
  List<Integer> listSizes;

  @Option(
      names = "--list-connections",
      defaultValue = "4",
      description = "closed-loop connections listing (default: ${DEFAULT-VALUE})")
  int listConnections;

  @Option(names = "--list-duration", defaultValue = "20s", description = "measured per size")
  String listDuration;

  @Option(names = "--warmup", defaultValue = "5s", description = "warm-up of each measured run")
  String warmup;

  @Option(
      names = "--value-size",
      defaultValue = "100",
      description = "bytes per value of list, hot and expiring keys (default: ${DEFAULT-VALUE})")
  int valueSize;

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

  @Option(names = "--server-pid", description = "PID of the server, for the rss part")
  Long serverPid;

  @Option(
      names = "--server-xmx",
      description = "the server's -Xmx (e.g. 1g), to state the RSS bound in the output")
  String serverXmx;

  @Option(
      names = "--server-max-direct",
      description = "the server's -XX:MaxDirectMemorySize if set (default: = -Xmx)")
  String serverMaxDirect;

  @Option(
      names = "--server-cores",
      defaultValue = "0",
      description = "cores the server sees (default: this machine's)")
  int serverCores;

  @Option(names = "--large-duration", defaultValue = "30s", description = "the large workload")
  String largeDuration;

  @Option(names = "--large-connections", defaultValue = "4", description = "the large workload")
  int largeConnections;

  @Option(
      names = "--big-duration",
      defaultValue = "30s",
      description = "the PUT-then-GET loop of big values")
  String bigDuration;

  @Option(names = "--big-connections", defaultValue = "3", description = "the big-value loop")
  int bigConnections;

  @Option(names = "--big-keys", defaultValue = "4", description = "keys of the big-value loop")
  int bigKeys;

  @Option(
      names = "--big-value-size",
      defaultValue = "26214400",
      description = "bytes per big value, at most 25 MiB (default: ${DEFAULT-VALUE})")
  int bigValueSize;

  @Option(
      names = "--sample-interval",
      defaultValue = "500ms",
      description = "RSS sampling interval")
  String sampleInterval;

  @Option(names = "--timeout", defaultValue = "10s", description = "per request (big: 6x)")
  String timeout;

  @Option(names = "--json", description = "print one JSON object instead of the tables")
  boolean json;

  @Option(names = "--json-out", description = "also write the JSON object to this file")
  Path jsonOut;

  private final PrintStream log = System.err;
  private Surface sf;
  private Target target;
  private KvClient client;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    sf = Surface.valueOf(surface.trim().toUpperCase(Locale.ROOT));
    if (sf == Surface.HTTP) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--surface: binding or rest");
    }
    if (bigValueSize > 25 * MIB || bigValueSize < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--big-value-size: 1..25 MiB");
    }
    target = targetOptions.resolve(sf);
    client = target.client();

    ObjectNode root = KvJson.mapper().createObjectNode();
    root.put("surface", sf.name().toLowerCase(Locale.ROOT));
    root.put("target", target.shown());
    root.put("startedAt", java.time.Instant.now().toString());
    boolean failed = false;
    for (String part : parts) {
      String p = part.trim().toLowerCase(Locale.ROOT);
      log.println("scale: part " + p);
      try {
        switch (p) {
          case "list" -> root.set("list", runList());
          case "sweep" -> root.set("sweep", runSweep());
          case "rss" -> root.set("rss", runRss());
          default ->
              throw new CommandLine.ParameterException(spec.commandLine(), "unknown part " + p);
        }
      } catch (CommandLine.ParameterException e) {
        throw e;
      } catch (Exception e) {
        failed = true;
        log.println("scale: part " + p + " failed: " + e);
        root.putObject(p).put("error", String.valueOf(e));
      }
    }
    if (json) {
      out.println(KvJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root));
    } else {
      out.print(dev.flarekv.bench.report.ScaleReport.tables(root));
    }
    out.flush();
    if (jsonOut != null) {
      Files.writeString(
          jsonOut,
          KvJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n",
          StandardCharsets.UTF_8);
    }
    return failed ? 1 : 0;
  }

  // ------------------------------------------------------------------ list

  private ObjectNode runList() throws Exception {
    ObjectNode node = KvJson.mapper().createObjectNode();
    node.put("prefix", LIST_PREFIX);
    node.put("limit", Workload.LIST_LIMIT);
    node.put("connections", listConnections);
    node.put("mode", "closed");
    node.put("durationSeconds", Durations.parse(listDuration).toMillis() / 1000.0);
    ArrayNode sizes = node.putArray("sizes");
    byte[] value = Workload.value(valueSize);
    for (int n : listSizes) {
      String ns = createNamespace("list-" + n);
      int outside = Math.max(100, n / 10);
      long t0 = System.nanoTime();
      // keys sorting before and after the prefix, so the prefix seek really has to skip
      writeKeys(ns, "cache:", outside / 2, value, 0, null);
      writeKeys(ns, LIST_PREFIX, n, value, 0, null);
      writeKeys(ns, "user:", outside - outside / 2, value, 0, null);
      double preloadSeconds = (System.nanoTime() - t0) / 1e9;
      KeyListPage page = client.listKeys(ns, LIST_PREFIX, Workload.LIST_LIMIT, null);
      long matching = page.keys().stream().filter(k -> k.name().startsWith(LIST_PREFIX)).count();
      if (page.keys().size() != Math.min(Workload.LIST_LIMIT, n)
          || matching != page.keys().size()) {
        throw new IllegalStateException(
            "first page of "
                + n
                + " keys has "
                + page.keys().size()
                + " keys, "
                + matching
                + " under the prefix");
      }
      Surface.Requests requests = requests(ns);
      Req list = requests.list(LIST_PREFIX, Workload.LIST_LIMIT);
      LoadPlan plan =
          plan(
              Workload.LIST,
              requests,
              listConnections,
              Durations.parse(warmup),
              Durations.parse(listDuration),
              0,
              Durations.parse(timeout));
      log.printf(Locale.ROOT, "list: %,d keys, measuring first pages%n", n);
      LoadResult r = new LoadRunner(plan, seed -> () -> new FixedOp(list)).run(p -> {});
      ObjectNode s = Figures.of(r);
      s.put("keys", n);
      s.put("keysOutsidePrefix", outside);
      s.put("preloadSeconds", round(preloadSeconds));
      s.put("namespace", ns);
      sizes.add(s);
    }
    if (sizes.size() >= 2) {
      JsonNode first = sizes.get(0);
      JsonNode last = sizes.get(sizes.size() - 1);
      ObjectNode ratio = node.putObject("ratio");
      ratio.put("from", first.get("keys").asLong());
      ratio.put("to", last.get("keys").asLong());
      ratio.put("p50", ratio(last, first, "p50"));
      ratio.put("p99", ratio(last, first, "p99"));
      ratio.put("target", 1.5);
    }
    return node;
  }

  private static double ratio(JsonNode a, JsonNode b, String percentile) {
    double x = a.path("latencyMs").path(percentile).asDouble();
    double y = b.path("latencyMs").path(percentile).asDouble();
    return y == 0 ? 0 : round(x / y);
  }

  /** One request, always the same: the first page of the prefix. */
  private record FixedOp(Req req) implements Workload.Op {
    @Override
    public Req first() {
      return req;
    }

    @Override
    public Req next(int status, ByteBuf body) {
      return null;
    }
  }

  // ------------------------------------------------------------------ sweep

  private ObjectNode runSweep() throws Exception {
    ObjectNode node = KvJson.mapper().createObjectNode();
    String ns = createNamespace("sweep");
    Preloader.restBulk(client, ns, Workload.READ, hotKeys, valueSize, log);
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
    writeKeys(ns, "exp:", expiringKeys, Workload.value(valueSize), expiry.instantSeconds(), expiry);
    double preloadSeconds = (System.nanoTime() - t0) / 1e9;
    node.put("namespace", ns);
    node.put("hotKeys", hotKeys);
    node.put("expiringKeys", expiringKeys);
    node.put("valueSize", valueSize);
    node.put("expiration", expiry.instantSeconds());
    node.put("preloadSeconds", round(preloadSeconds));
    node.put("readRate", readRate);
    node.put("connections", readConnections);
    node.put("mode", "open");

    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpRequest metrics = metricsRequest(target.base().resolve("/metrics"), target.token());
    double swept0 = readSwept(http, metrics);
    node.put("sweptBefore", swept0);

    Surface.Requests requests = requests(ns);
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
        new SweepWatch(http, metrics, swept0, Double.POSITIVE_INFINITY, instantNanos, null);
    Thread baselinePoller = new Thread(baselinePolls, "flarekv-bench-baseline-watch");
    baselinePoller.setDaemon(true);
    baselinePoller.start();
    LoadResult before =
        new LoadRunner(
                plan(
                    Workload.READ,
                    requests,
                    readConnections,
                    Duration.ofNanos(baselineWarmup),
                    Duration.ofNanos(baselineNanos),
                    readRate,
                    Durations.parse(timeout)))
            .run(p -> {});
    baselinePolls.stop();
    baselinePoller.join(5_000);

    // the sweep window: reads keep going; measured from the instant until all keys are swept
    long untilInstant = Math.max(0, instantNanos - System.nanoTime());
    Duration limit = Durations.parse(sweepTimeout);
    LoadRunner during =
        new LoadRunner(
            plan(
                Workload.READ,
                requests,
                readConnections,
                Duration.ofNanos(untilInstant),
                limit,
                readRate,
                Durations.parse(timeout)));
    SweepWatch watch =
        new SweepWatch(http, metrics, swept0, swept0 + expiringKeys, instantNanos, during);
    Thread watcher = new Thread(watch, "flarekv-bench-sweep-watch");
    watcher.setDaemon(true);
    watcher.start();
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

  /**
   * {@code GET /metrics}, with the bearer token when there is one (a server with tokens needs it).
   */
  static HttpRequest metricsRequest(URI metrics, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b.build();
  }

  static double readSwept(HttpClient http, HttpRequest metrics) throws Exception {
    HttpResponse<String> r = http.send(metrics, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + metrics.uri() + ": status " + r.statusCode());
    }
    return PromText.sum(r.body(), "flarekv_store_expired_swept_total").orElse(0);
  }

  /** Polls the swept counter, notes when the sweep starts and ends, and ends the read run then. */
  private static final class SweepWatch implements Runnable {
    private final HttpClient http;
    private final HttpRequest metrics;
    private final double from;
    private final double target;
    private final long instantNanos;
    private final LoadRunner runner;
    private final List<double[]> points = new ArrayList<>();
    private volatile boolean running = true;
    volatile long startNanos;
    volatile long endNanos;
    volatile double last;

    SweepWatch(
        HttpClient http,
        HttpRequest metrics,
        double from,
        double target,
        long instantNanos,
        LoadRunner r) {
      this.http = http;
      this.metrics = metrics;
      this.from = from;
      this.target = target;
      this.instantNanos = instantNanos;
      this.runner = r;
      this.last = from;
    }

    @Override
    public void run() {
      while (running) {
        try {
          double swept = readSwept(http, metrics);
          long now = System.nanoTime();
          last = swept;
          if (now >= instantNanos - TimeUnit.SECONDS.toNanos(1)) {
            synchronized (points) {
              points.add(new double[] {(now - instantNanos) / 1e9, swept - from});
            }
          }
          if (swept > from && startNanos == 0) {
            startNanos = now;
          }
          if (swept >= target && endNanos == 0) {
            endNanos = now;
            runner.stop();
            return;
          }
        } catch (Exception e) {
          // a missed poll only coarsens the timing; the run's own time limit still holds
        }
        try {
          Thread.sleep(250);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    void stop() {
      running = false;
    }

    List<double[]> timeline() {
      synchronized (points) {
        return List.copyOf(points);
      }
    }
  }

  // ------------------------------------------------------------------ rss

  private ObjectNode runRss() throws Exception {
    ObjectNode node = KvJson.mapper().createObjectNode();
    if (serverXmx != null) {
      RssBound bound =
          RssBound.forServer(
              RssBound.parseJavaSize(serverXmx),
              serverMaxDirect == null ? 0 : RssBound.parseJavaSize(serverMaxDirect),
              serverCores > 0 ? serverCores : Runtime.getRuntime().availableProcessors());
      ObjectNode b = node.putObject("bound");
      b.put("xmx", serverXmx);
      b.put("totalMiB", bound.totalBytes() / MIB);
      b.put("bodyBudgetMiB", bound.bodyBudgetBytes() / MIB);
      ObjectNode c = b.putObject("componentsMiB");
      bound.componentsMib().forEach(c::put);
    }
    if (serverPid == null) {
      throw new IllegalArgumentException("the rss part needs --server-pid");
    }
    long pid = serverPid;
    node.put("pid", pid);
    node.put("peakReset", ProcStatus.resetPeak(pid));
    String ns = createNamespace("rss");
    long interval = Durations.parse(sampleInterval).toMillis();
    node.put("sampleIntervalMs", interval);
    try (RssSampler sampler = new RssSampler(pid, Math.max(50, interval))) {
      sampler.start();
      RssSampler.Sample start = sampler.sample();
      node.set("start", sampleJson(start));

      sampler.phase("large");
      Preloader.restBulk(
          client, ns, Workload.LARGE, Workload.LARGE_KEYS, Workload.LARGE_VALUE_BYTES, log);
      Surface.Requests requests = requests(ns);
      log.printf(Locale.ROOT, "rss: large workload, %d connections%n", largeConnections);
      LoadResult large =
          new LoadRunner(
                  plan(
                      Workload.LARGE,
                      requests,
                      largeConnections,
                      Duration.ofSeconds(2),
                      Durations.parse(largeDuration),
                      0,
                      Durations.parse(timeout)))
              .run(p -> {});
      ObjectNode l = Figures.of(large);
      l.put("connections", largeConnections);
      l.put("valueSize", Workload.LARGE_VALUE_BYTES);
      l.set("rssAfter", sampleJson(sampler.sample()));
      node.set("large", l);

      sampler.phase("big");
      byte[] big = Workload.value(bigValueSize);
      Req[] puts = new Req[bigKeys];
      Req[] gets = new Req[bigKeys];
      for (int i = 0; i < bigKeys; i++) {
        puts[i] = requests.put("big/" + i, big, 3600);
        gets[i] = requests.get("big/" + i, false);
      }
      log.printf(
          Locale.ROOT,
          "rss: PUT then GET of %,d-byte values, %d keys, %d connections%n",
          bigValueSize,
          bigKeys,
          bigConnections);
      LoadResult bigRun =
          new LoadRunner(
                  plan(
                      Workload.LARGE,
                      requests,
                      bigConnections,
                      Duration.ZERO,
                      Durations.parse(bigDuration),
                      0,
                      Durations.parse(timeout).multipliedBy(6)),
                  seed -> {
                    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
                    return () -> {
                      int k = random.nextInt(bigKeys);
                      return new PutThenGet(puts[k], gets[k]);
                    };
                  })
              .run(p -> {});
      ObjectNode g = Figures.of(bigRun);
      g.put("connections", bigConnections);
      g.put("keys", bigKeys);
      g.put("valueSize", bigValueSize);
      g.set("rssAfter", sampleJson(sampler.sample()));
      node.set("big", g);
      sampler.phase("after");
      Thread.sleep(2_000);
      node.set("settled", sampleJson(sampler.sample()));

      List<RssSampler.Sample> samples = sampler.samples();
      double max = samples.stream().mapToDouble(RssSampler.Sample::rssMib).max().orElse(0);
      double hwm = samples.stream().mapToDouble(RssSampler.Sample::hwmMib).max().orElse(0);
      node.put("maxRssMiB", round(max));
      node.put("hwmMiB", round(hwm));
      ArrayNode series = node.putArray("samples");
      for (RssSampler.Sample s : samples) {
        series.add(sampleJson(s));
      }
    }
    return node;
  }

  private static ObjectNode sampleJson(RssSampler.Sample s) {
    ObjectNode o = KvJson.mapper().createObjectNode();
    if (s != null) {
      o.put("t", round(s.seconds()));
      o.put("phase", s.phase());
      o.put("rssMiB", round(s.rssMib()));
      o.put("hwmMiB", round(s.hwmMib()));
    }
    return o;
  }

  /** PUT of a big value, then GET of it, timed together. */
  private static final class PutThenGet implements Workload.Op {
    private final Req put;
    private final Req get;
    private boolean gotten;

    PutThenGet(Req put, Req get) {
      this.put = put;
      this.get = get;
    }

    @Override
    public Req first() {
      return put;
    }

    @Override
    public Req next(int status, ByteBuf body) {
      if (gotten) {
        return null;
      }
      gotten = true;
      return get;
    }
  }

  // ------------------------------------------------------------------ shared

  private String createNamespace(String what) {
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
  private void writeKeys(
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

  private Surface.Requests requests(String ns) {
    return target.requests(ns);
  }

  private LoadPlan plan(
      Workload wl,
      Surface.Requests requests,
      int connections,
      Duration warm,
      Duration measured,
      double rate,
      Duration requestTimeout) {
    return LoadPlan.builder()
        .target(target.host(), target.port())
        .workload(wl)
        .requests(requests)
        .connections(connections)
        .warmup(warm)
        .duration(measured)
        .rate(rate)
        .timeout(requestTimeout)
        .keys(hotKeys)
        .listKeys(1)
        .valueSize(valueSize)
        .ttl(3600)
        .build();
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
