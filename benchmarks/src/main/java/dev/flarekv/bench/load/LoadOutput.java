package dev.flarekv.bench.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.bench.report.TableHead;
import dev.flarekv.protocol.json.KvJson;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * How {@code load} shows a run, as a picocli mixin of the options that choose it: the progress line
 * while it runs, then its result as a table or one JSON object, and optionally as a line of
 * compare.sh's figures file.
 */
final class LoadOutput {
  @Option(names = "--json", description = "print the result as one JSON object instead of a table")
  boolean json;

  @Option(names = "--label", description = "a name for this run, echoed in the output")
  String label;

  @Option(
      names = "--tsv",
      description =
          "also append the result as one line of compare.sh's figures file: --label must then be"
              + " ID:SYSTEM:OP")
  Path tsv;

  @Option(
      names = "--progress",
      defaultValue = "auto",
      description = "auto | on | off: progress line on stderr (auto = when on a terminal)")
  String progressMode;

  /** Runs {@code runner}, with a progress line on {@code log} when {@code --progress} asks. */
  LoadResult run(LoadRunner runner, PrintStream log) throws InterruptedException {
    boolean showProgress =
        switch (progressMode.toLowerCase(Locale.ROOT)) {
          case "on" -> true;
          case "off" -> false;
          default -> System.console() != null;
        };
    ProgressLine progress = showProgress ? new ProgressLine(log) : null;
    try {
      return runner.run(
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
  }

  /**
   * Prints the result of {@code plan} on {@code surface} against {@code target} (as the output
   * names it), then appends its TSV line when {@code --tsv} is given.
   */
  void print(PrintWriter out, LoadResult r, LoadPlan plan, Surface surface, String target)
      throws IOException {
    if (json) {
      out.println(KvJson.mapper().writeValueAsString(toJson(r, plan, surface, target)));
    } else {
      printTable(out, r, plan, surface, target);
    }
    out.flush();
    if (tsv != null) {
      appendTsv(r, plan);
    }
  }

  private ObjectNode toJson(LoadResult r, LoadPlan plan, Surface surface, String target) {
    ObjectNode o = KvJson.mapper().createObjectNode();
    if (label != null) {
      o.put("label", label);
    }
    o.put("workload", plan.workload().name().toLowerCase(Locale.ROOT));
    o.put("surface", surface.name().toLowerCase(Locale.ROOT));
    o.put("target", target);
    o.put("connections", plan.connections());
    o.put("mode", plan.rate() > 0 ? "open" : "closed");
    o.put("rate", plan.rate());
    o.put("valueSize", plan.workload().valueSize(plan.valueSize()));
    o.put("durationSeconds", r.measuredNanos() / 1e9);
    ResultJson.putCounts(o, r);
    o.put("opsPerSecond", ResultJson.round(r.opsPerSecond()));
    o.put("requestsPerSecond", ResultJson.round(r.requestsPerSecond()));
    ResultJson.putLatencies(o, r);
    return o;
  }

  private void appendTsv(LoadResult r, LoadPlan plan) throws IOException {
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
                Integer.toString(plan.connections()),
                String.format(Locale.ROOT, "%.1f", r.opsPerSecond()),
                LoadResult.fmt(r.millisAt(50)),
                LoadResult.fmt(r.millisAt(90)),
                LoadResult.fmt(r.millisAt(99)),
                LoadResult.fmt(r.millisAt(99.9)),
                LoadResult.fmt(r.maxMillis()),
                Long.toString(r.errors()))
            + "\n";
    Files.writeString(
        tsv, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private void printTable(
      PrintWriter out, LoadResult r, LoadPlan plan, Surface surface, String target) {
    out.printf(
        Locale.ROOT,
        "%s%s on %s (%s), %d connections, %s, %.1f s measured, value %,d B%n",
        label == null ? "" : label + ": ",
        plan.workload().name().toLowerCase(Locale.ROOT),
        surface.name().toLowerCase(Locale.ROOT),
        target,
        plan.connections(),
        plan.rate() > 0
            ? String.format(Locale.ROOT, "open loop at %.0f ops/s", plan.rate())
            : "closed loop",
        r.measuredNanos() / 1e9,
        plan.workload().valueSize(plan.valueSize()));
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
