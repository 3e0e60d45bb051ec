package dev.flarekv.bench.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.bench.cli.Durations;
import dev.flarekv.bench.cli.Target;
import dev.flarekv.bench.cli.TargetOptions;
import dev.flarekv.bench.report.TableHead;
import dev.flarekv.protocol.client.KvClient;
import dev.flarekv.protocol.json.KvJson;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flarekv-bench load}: the HTTP load generator. */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Drives a flarekv server (or any KV-like HTTP service) over keep-alive HTTP/1.1 connections"
          + " and prints requests/s and latency percentiles.",
      "Closed loop by default; --rate R runs a fixed-rate open loop whose latency counts from each"
          + " request's intended send time (no coordinated omission).",
      "Only loopback addresses are accepted as targets."
    })
public final class LoadCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-w", "--workload"},
      defaultValue = "read",
      description =
          "read | write | session | ratelimit | list | bulk | large (default: ${DEFAULT-VALUE})")
  String workload;

  @Option(
      names = {"-s", "--surface"},
      defaultValue = "rest",
      description = "rest | binding | http (default: ${DEFAULT-VALUE})")
  String surface;

  @Mixin TargetOptions target;

  @Option(
      names = "--namespace-id",
      description = "use this namespace instead of creating a fresh one")
  String namespaceId;

  @Option(
      names = {"-c", "--connections"},
      defaultValue = "16",
      description =
          "keep-alive connections, one request in flight each (default: ${DEFAULT-VALUE})")
  int connections;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description =
          "event-loop threads (default: half the cores, at least 1: the server being measured"
              + " needs the other half; on 2 cores one loop outran two)")
  int threads;

  @Option(
      names = {"-d", "--duration"},
      defaultValue = "10s",
      description = "measured time, e.g. 30s, 2m, 500ms (default: ${DEFAULT-VALUE})")
  String duration;

  @Option(
      names = "--warmup",
      defaultValue = "5s",
      description =
          "unmeasured load before the measured time; it also warms up the generator's own JIT"
              + " (default: ${DEFAULT-VALUE})")
  String warmup;

  @Option(
      names = {"-r", "--rate"},
      defaultValue = "0",
      description = "operations per second for an open loop; 0 = closed loop (default)")
  double rate;

  @Option(
      names = "--timeout",
      defaultValue = "10s",
      description =
          "per-request timeout; a timed-out request is an error (default: ${DEFAULT-VALUE})")
  String timeout;

  @Option(
      names = "--value-size",
      defaultValue = "100",
      description = "bytes per value (large always writes 1 MiB) (default: ${DEFAULT-VALUE})")
  int valueSize;

  @Option(
      names = "--keys",
      defaultValue = "10000",
      description = "key space of read/write/session/ratelimit/bulk (default: ${DEFAULT-VALUE})")
  int keys;

  @Option(
      names = "--list-keys",
      defaultValue = "1000000",
      description = "keys preloaded for the list workload (default: ${DEFAULT-VALUE})")
  int listKeys;

  @Option(
      names = "--ttl",
      defaultValue = "3600",
      description = "expiration_ttl of writes in seconds, at least 60 (default: ${DEFAULT-VALUE})")
  int ttl;

  @Option(names = "--no-preload", description = "the keys are already there (with --namespace-id)")
  boolean noPreload;

  @Option(names = "--json", description = "print the result as one JSON object instead of a table")
  boolean json;

  @Option(names = "--label", description = "a name for this run, echoed in the output")
  String label;

  @Option(
      names = "--tsv",
      description =
          "also append the result as one line of compare.sh's figures file: --label must then be"
              + " ID:SYSTEM:OP")
  java.nio.file.Path tsv;

  @Option(
      names = "--progress",
      defaultValue = "auto",
      description = "auto | on | off: progress line on stderr (auto = when on a terminal)")
  String progressMode;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintStream log = System.err;
    Workload wl = Workload.parse(workload);
    Surface sf = Surface.valueOf(surface.trim().toUpperCase(Locale.ROOT));
    if (connections < 1 || keys < 1 || listKeys < 1 || valueSize < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--connections, --keys and --list-keys must be >= 1");
    }
    if (ttl < 60) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--ttl must be >= 60");
    }
    if (sf != Surface.REST && wl == Workload.BULK) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "bulk runs on the rest surface only");
    }
    if (sf == Surface.HTTP
        && wl != Workload.READ
        && wl != Workload.WRITE
        && wl != Workload.SESSION
        && wl != Workload.LARGE) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "the http surface runs read, write, session and large only");
    }
    Target to = target.resolve(sf);

    // setup: namespace and preload (untimed)
    String ns = namespaceId;
    int preload = wl.preloadKeys(keys, listKeys);
    int size = wl.valueSize(valueSize);
    if (sf == Surface.HTTP) {
      if (!noPreload && preload > 0) {
        Preloader.plainPuts(target.url(), wl, preload, size, connections, log);
      }
    } else {
      KvClient client = to.client();
      if (ns == null) {
        ns =
            client
                .createNamespace(
                    "flarekv-bench-"
                        + wl.name().toLowerCase(Locale.ROOT)
                        + "-"
                        + System.currentTimeMillis())
                .id();
        log.println("namespace: " + ns);
      }
      if (!noPreload && preload > 0) {
        Preloader.restBulk(client, ns, wl, preload, size, log);
      }
    }

    LoadPlan plan =
        LoadPlan.builder()
            .target(to.host(), to.port())
            .workload(wl)
            .requests(to.requests(ns))
            .connections(connections)
            .threads(threads)
            .warmup(Durations.parse(warmup))
            .duration(Durations.parse(duration))
            .rate(rate)
            .timeout(Durations.parse(timeout))
            .keys(keys)
            .listKeys(listKeys)
            .valueSize(valueSize)
            .ttl(ttl)
            .build();
    boolean showProgress =
        switch (progressMode.toLowerCase(Locale.ROOT)) {
          case "on" -> true;
          case "off" -> false;
          default -> System.console() != null;
        };
    LoadRunner runner = new LoadRunner(plan);
    ProgressLine progress = showProgress ? new ProgressLine(log) : null;
    LoadResult result;
    try {
      result =
          runner.run(
              p -> {
                if (progress != null) {
                  progress.start(p);
                }
              });
    } finally {
      if (progress != null) {
        progress.stop();
      }
    }
    String shown = to.shown();
    if (json) {
      out.println(KvJson.mapper().writeValueAsString(toJson(result, wl, sf, shown, plan)));
    } else {
      printTable(out, result, wl, sf, shown, plan);
    }
    out.flush();
    if (tsv != null) {
      appendTsv(result);
    }
    return result.ops() == 0 ? 1 : 0;
  }

  private ObjectNode toJson(LoadResult r, Workload wl, Surface sf, String target, LoadPlan plan) {
    ObjectNode o = KvJson.mapper().createObjectNode();
    if (label != null) {
      o.put("label", label);
    }
    o.put("workload", wl.name().toLowerCase(Locale.ROOT));
    o.put("surface", sf.name().toLowerCase(Locale.ROOT));
    o.put("target", target);
    o.put("connections", plan.connections());
    o.put("mode", plan.rate() > 0 ? "open" : "closed");
    o.put("rate", plan.rate());
    o.put("valueSize", wl.valueSize(valueSize));
    o.put("durationSeconds", r.measuredNanos() / 1e9);
    ResultJson.putCounts(o, r);
    o.put("opsPerSecond", ResultJson.round(r.opsPerSecond()));
    o.put("requestsPerSecond", ResultJson.round(r.requestsPerSecond()));
    ResultJson.putLatencies(o, r);
    return o;
  }

  private void appendTsv(LoadResult r) throws java.io.IOException {
    String[] parts = label == null ? new String[0] : label.split(":", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException("--tsv needs --label ID:SYSTEM:OP");
    }
    String line =
        String.join(
                "\t",
                parts[0],
                parts[1],
                parts[2],
                "flarekv-bench",
                Integer.toString(connections),
                String.format(Locale.ROOT, "%.1f", r.opsPerSecond()),
                LoadResult.fmt(r.millisAt(50)),
                LoadResult.fmt(r.millisAt(90)),
                LoadResult.fmt(r.millisAt(99)),
                LoadResult.fmt(r.millisAt(99.9)),
                LoadResult.fmt(r.maxMillis()),
                Long.toString(r.errors()))
            + "\n";
    java.nio.file.Files.writeString(
        tsv,
        line,
        java.nio.charset.StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }

  private void printTable(
      PrintWriter out, LoadResult r, Workload wl, Surface sf, String target, LoadPlan plan) {
    out.printf(
        Locale.ROOT,
        "%s%s on %s (%s), %d connections, %s, %.1f s measured, value %,d B%n",
        label == null ? "" : label + ": ",
        wl.name().toLowerCase(Locale.ROOT),
        sf.name().toLowerCase(Locale.ROOT),
        target,
        plan.connections(),
        plan.rate() > 0
            ? String.format(Locale.ROOT, "open loop at %.0f ops/s", plan.rate())
            : "closed loop",
        r.measuredNanos() / 1e9,
        wl.valueSize(valueSize));
    out.print(TableHead.format("%12s %12s %9s %9s %9s %9s %9s %9s%n", "ops/s", "requests/s"));
    out.printf(
        Locale.ROOT,
        "%12.1f %12.1f %9.3f %9.3f %9.3f %9.3f %9.3f %9d%n",
        r.opsPerSecond(),
        r.requestsPerSecond(),
        r.millisAt(50),
        r.millisAt(90),
        r.millisAt(99),
        r.millisAt(99.9),
        r.maxMillis(),
        r.errors());
    if (r.sendLag() != null) {
      out.printf(
          Locale.ROOT,
          "send lag behind schedule (included above): p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
          r.sendLagMillisAt(50),
          r.sendLagMillisAt(99),
          r.sendLagMillisAt(100));
    }
    if (!r.errorKinds().isEmpty()) {
      out.println("errors: " + r.errorKinds());
    }
  }
}
