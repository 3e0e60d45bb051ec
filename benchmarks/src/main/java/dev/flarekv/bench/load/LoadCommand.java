package dev.flarekv.bench.load;

import dev.flarekv.bench.cli.Durations;
import dev.flarekv.bench.cli.Target;
import dev.flarekv.bench.cli.TargetOptions;
import dev.flarekv.protocol.client.KvClient;
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

  @Mixin LoadOutput output;

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
    LoadResult result = output.run(new LoadRunner(plan), log);
    output.print(out, result, plan, sf, to.shown());
    return result.ops() == 0 ? 1 : 0;
  }
}
