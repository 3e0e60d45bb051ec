package dev.flarekv.bench.scale;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.bench.cli.Target;
import dev.flarekv.bench.cli.TargetOptions;
import dev.flarekv.bench.load.Surface;
import dev.flarekv.protocol.json.KvJson;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
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

  @Mixin ListPart list;

  @Option(names = "--warmup", defaultValue = "5s", description = "warm-up of each measured run")
  String warmup;

  @Option(
      names = "--value-size",
      defaultValue = "100",
      description = "bytes per value of list, hot and expiring keys (default: ${DEFAULT-VALUE})")
  int valueSize;

  @Mixin SweepPart sweep;

  @Mixin RssPart rss;

  @Option(names = "--timeout", defaultValue = "10s", description = "per request (big: 6x)")
  String timeout;

  @Option(names = "--json", description = "print one JSON object instead of the tables")
  boolean json;

  @Option(names = "--json-out", description = "also write the JSON object to this file")
  Path jsonOut;

  private final PrintStream log = System.err;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Surface sf = Surface.valueOf(surface.trim().toUpperCase(Locale.ROOT));
    if (sf == Surface.HTTP) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--surface: binding or rest");
    }
    rss.check(spec);
    Target target = targetOptions.resolve(sf);
    ScaleRun run = new ScaleRun(target, log, warmup, valueSize, timeout);

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
          case "list" -> root.set("list", list.run(run));
          case "sweep" -> root.set("sweep", sweep.run(run));
          case "rss" -> root.set("rss", rss.run(run));
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
}
