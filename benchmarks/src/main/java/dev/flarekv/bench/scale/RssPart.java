package dev.flarekv.bench.scale;

import static dev.flarekv.bench.load.ResultJson.round;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.bench.cli.Durations;
import dev.flarekv.bench.load.LoadResult;
import dev.flarekv.bench.load.LoadRunner;
import dev.flarekv.bench.load.Preloader;
import dev.flarekv.bench.load.Req;
import dev.flarekv.bench.load.Surface;
import dev.flarekv.bench.load.Workload;
import dev.flarekv.protocol.client.KvClient;
import dev.flarekv.protocol.json.KvJson;
import io.netty.buffer.ByteBuf;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The {@code rss} part of {@code scale}: the server's RSS, sampled from {@code /proc}, while the
 * large workload and then a PUT-then-GET loop of big values run, and the bound it should stay
 * under. A picocli mixin: its options are the part's own.
 */
final class RssPart {
  private static final long MIB = 1024L * 1024;

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

  /** Rejects a big value the server would refuse, before any part runs. */
  void check(CommandSpec spec) {
    if (bigValueSize > 25 * MIB || bigValueSize < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--big-value-size: 1..25 MiB");
    }
  }

  ObjectNode run(ScaleRun run) throws Exception {
    KvClient client = run.client();
    PrintStream log = run.log();
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
    String ns = run.createNamespace("rss");
    long interval = Durations.parse(sampleInterval).toMillis();
    node.put("sampleIntervalMs", interval);
    try (RssSampler sampler = new RssSampler(pid, Math.max(50, interval))) {
      sampler.start();
      RssSampler.Sample start = sampler.sample();
      node.set("start", sampleJson(start));

      sampler.phase("large");
      Preloader.restBulk(
          client, ns, Workload.LARGE, Workload.LARGE_KEYS, Workload.LARGE_VALUE_BYTES, log);
      Surface.Requests requests = run.requests(ns);
      log.printf(Locale.ROOT, "rss: large workload, %d connections%n", largeConnections);
      LoadResult large =
          new LoadRunner(
                  run.plan(Workload.LARGE, requests)
                      .connections(largeConnections)
                      .warmup(Duration.ofSeconds(2))
                      .duration(Durations.parse(largeDuration))
                      .build())
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
                  run.plan(Workload.LARGE, requests)
                      .connections(bigConnections)
                      .warmup(Duration.ZERO)
                      .duration(Durations.parse(bigDuration))
                      .timeout(run.timeout().multipliedBy(6))
                      .build(),
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
}
