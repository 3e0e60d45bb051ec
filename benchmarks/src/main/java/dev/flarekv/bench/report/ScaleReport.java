package dev.flarekv.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.function.Consumer;

/**
 * Renders the JSON of {@code flarekv-bench scale} as plain-text tables (the command's output) and
 * as the markdown report of scale.sh, and turns it into rows for {@link Chart}.
 */
public final class ScaleReport {
  private ScaleReport() {}

  /** The tables printed by {@code scale}. */
  public static String tables(JsonNode root) {
    StringBuilder b = new StringBuilder();
    String surface = root.path("surface").asText();
    part(b, root.path("list"), "sizes", "list: failed: ", "\n\n", l -> listText(b, l, surface));
    part(
        b,
        root.path("sweep"),
        "baseline",
        "sweep: failed: ",
        "\n\n",
        s -> sweepText(b, s, surface));
    part(b, root.path("rss"), "samples", "rss: failed: ", "\n", rss -> rssText(b, rss));
    return b.toString();
  }

  private static void listText(StringBuilder b, JsonNode list, String surface) {
    b.append(
        fmt(
            "list: first page (prefix %s, limit %d) on %s, %d connections, closed loop%n",
            list.path("prefix").asText(),
            list.path("limit").asInt(),
            surface,
            list.path("connections").asInt()));
    listTable(b, list, Style.TEXT, "keys");
    b.append('\n');
  }

  private static void sweepText(StringBuilder b, JsonNode sweep, String surface) {
    b.append(
        fmt(
            "sweep: open-loop read of %,d hot keys at %.0f/s on %s while %,d keys expire at once%n",
            sweep.path("hotKeys").asLong(),
            sweep.path("readRate").asDouble(),
            surface,
            sweep.path("expiringKeys").asLong()));
    sweepTable(b, sweep, Style.TEXT, "sweep / baseline");
    b.append(sweeperLine(sweep.path("sweeper"))).append("\n\n");
  }

  private static void rssText(StringBuilder b, JsonNode rss) {
    b.append("rss: server memory while large values are written and read\n");
    rssTable(b, rss, Style.TEXT, "large 1 MiB", "25 MiB put+get");
    b.append(rssLine(rss)).append('\n');
  }

  /**
   * Appends one part of the run: {@code failedLead}, its error and {@code failedEnd} when it
   * failed, else what {@code render} makes of it when it holds its figures ({@code measured}); a
   * part that did not run adds nothing.
   */
  private static void part(
      StringBuilder b,
      JsonNode part,
      String measured,
      String failedLead,
      String failedEnd,
      Consumer<JsonNode> render) {
    if (part.has("error")) {
      b.append(failedLead).append(part.get("error").asText()).append(failedEnd);
    } else if (part.has(measured)) {
      render.accept(part);
    }
  }

  /** The two renderings of a latency table and of a ratio against its target. */
  private enum Style {
    TEXT {
      @Override
      String head(String first) {
        return TableHead.format("%-14s %10s %9s %9s %9s %9s %9s %8s%n", first, "ops/s");
      }

      @Override
      String rowFormat() {
        return "%-14s %10.1f %9.3f %9.3f %9.3f %9.3f %9.3f %8s%n";
      }

      @Override
      String errors(JsonNode s) {
        return Long.toString(s.path("errors").asLong());
      }

      @Override
      String ratioFormat() {
        return "ratio %1$s: p50 %3$.2f×, p99 %2$.2f× (target p99 ≤ %4$.1f×: %5$s)%n";
      }
    },
    MARKDOWN {
      @Override
      String head(String first) {
        return "| "
            + first
            + " | ops/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|\n";
      }

      @Override
      String rowFormat() {
        return "| %s | %,.1f | %.3f | %.3f | %.3f | %.3f | %.3f | %s |%n";
      }

      @Override
      String errors(JsonNode s) {
        String errors = Long.toString(s.path("errors").asLong());
        if (s.path("errorKinds").size() > 0) {
          errors += " " + s.get("errorKinds").toString().replace("|", "/");
        }
        return errors;
      }

      @Override
      String ratioFormat() {
        return "%n**%1$s: %2$.2f×** (p50: %3$.2f×); target ≤ %4$.1f×: **%5$s**.%n%n";
      }
    };

    abstract String head(String first);

    /** Format of a row: the first column, ops/s, p50, p90, p99, p99.9, max, errors. */
    abstract String rowFormat();

    abstract String errors(JsonNode s);

    /** Format of a ratio line: label, p99 ratio, p50 ratio, target, verdict. */
    abstract String ratioFormat();

    /** The p99 ratio {@code r} ({p50, p99, target}) with its verdict. */
    final String ratio(String label, JsonNode r) {
      double p99 = r.path("p99").asDouble();
      double target = r.path("target").asDouble();
      return fmt(ratioFormat(), label, p99, r.path("p50").asDouble(), target, verdict(p99, target));
    }

    final String row(String first, JsonNode s) {
      List<Object> cells = new ArrayList<>();
      cells.add(first);
      cells.addAll(figures(s));
      cells.add(errors(s));
      return fmt(rowFormat(), cells.toArray());
    }
  }

  /** ops/s, then p50, p90, p99, p99.9 and max in ms, of the measured run {@code s}. */
  private static List<Double> figures(JsonNode s) {
    List<Double> figures = new ArrayList<>();
    figures.add(s.path("opsPerSecond").asDouble());
    for (String latency : List.of("p50", "p90", "p99", "p99.9", "max")) {
      figures.add(s.path("latencyMs").path(latency).asDouble());
    }
    return figures;
  }

  /** The latency table of the list part, one row a size, and the ratio of the last to the first. */
  private static void listTable(StringBuilder b, JsonNode list, Style style, String sizeColumn) {
    b.append(style.head(sizeColumn));
    for (JsonNode s : list.get("sizes")) {
      b.append(style.row(fmt("%,d", s.path("keys").asLong()), s));
    }
    JsonNode r = list.path("ratio");
    if (r.has("p99")) {
      long from = r.path("from").asLong();
      long to = r.path("to").asLong();
      String label =
          style == Style.TEXT
              ? fmt("%,d / %,d keys", to, from)
              : fmt("p99 at %,d keys / p99 at %,d keys", to, from);
      b.append(style.ratio(label, r));
    }
  }

  /** The latency table of the sweep part, before and during the sweep, and their ratio. */
  private static void sweepTable(StringBuilder b, JsonNode sweep, Style style, String ratioLabel) {
    b.append(style.head("window"));
    b.append(style.row("baseline", sweep.get("baseline")));
    b.append(style.row("sweep", sweep.get("sweep")));
    b.append(style.ratio(ratioLabel, sweep.path("ratio")));
  }

  /** The latency table of the rss part: the large workload, then the big-value loop. */
  private static void rssTable(
      StringBuilder b, JsonNode rss, Style style, String largeLabel, String bigLabel) {
    b.append(style.head("phase"));
    b.append(style.row(largeLabel, rss.get("large")));
    b.append(style.row(bigLabel, rss.get("big")));
  }

  static String sweeperLine(JsonNode sw) {
    if (!sw.path("completed").asBoolean()) {
      return fmt(
          "sweeper: NOT finished within the timeout (%,d keys swept)", sw.path("swept").asLong());
    }
    return fmt(
        "sweeper: %,d keys swept; first deletion %.1f s after the instant, all gone %.1f s after"
            + " it (%.1f s of sweeping, %,.0f keys/s)",
        sw.path("swept").asLong(),
        sw.path("firstDeletionAfterInstantSeconds").asDouble(),
        sw.path("windowSeconds").asDouble(),
        sw.path("activeSeconds").asDouble(),
        sw.path("keysPerSecond").asDouble());
  }

  /** The RSS figures and, when the run states it, whether their peak stayed within the bound. */
  static String rssLine(JsonNode rss) {
    StringJoiner figures = new StringJoiner(", ", "RSS MiB: ", "");
    for (RssFigure f : RssFigure.values()) {
      figures.add(fmt("%s %.0f", f.text, f.mib(rss)));
    }
    StringBuilder b = new StringBuilder(figures.toString());
    JsonNode bound = rss.path("bound");
    if (bound.has("totalMiB")) {
      double peak = Math.max(RssFigure.MAX.mib(rss), RssFigure.HWM.mib(rss));
      b.append(
          fmt(
              "; bound %,d MiB (-Xmx %s): %s",
              bound.path("totalMiB").asLong(),
              bound.path("xmx").asText(),
              peak <= bound.path("totalMiB").asDouble() ? "within" : "EXCEEDED"));
    }
    return b.toString();
  }

  /** The RSS figures of the rss part in the order both renderings list them, and where each is. */
  private enum RssFigure {
    START("start", "at the start", "start", "rssMiB"),
    LARGE("after large", "after the large workload", "large", "rssAfter", "rssMiB"),
    BIG("after 25 MiB loop", "after the 25 MiB loop", "big", "rssAfter", "rssMiB"),
    SETTLED("settled", "2 s later", "settled", "rssMiB"),
    MAX("max sampled", "**max sampled VmRSS**", "maxRssMiB"),
    HWM("VmHWM", "VmHWM (peak)", "hwmMiB");

    /** Its name in the text line. */
    final String text;

    /** Its name in the markdown table. */
    final String markdown;

    /** The field names leading to it from the rss part. */
    private final String[] path;

    RssFigure(String text, String markdown, String... path) {
      this.text = text;
      this.markdown = markdown;
      this.path = path;
    }

    double mib(JsonNode rss) {
      JsonNode n = rss;
      for (String field : path) {
        n = n.path(field);
      }
      return n.asDouble();
    }
  }

  static String verdict(double ratio, double target) {
    return ratio <= target ? "met" : "NOT met";
  }

  /** The markdown report of scale.sh. */
  public static String markdown(
      JsonNode root, String title, List<String> context, String chartName, String rssChartName) {
    StringBuilder md = new StringBuilder(MarkdownReportCommand.heading(title, context));
    md.append('\n');
    String surface = root.path("surface").asText();
    part(
        md,
        root.path("list"),
        "sizes",
        "## List\n\nfailed: ",
        "\n\n",
        l -> listMarkdown(md, l, surface));
    part(
        md,
        root.path("sweep"),
        "baseline",
        "## Sweep\n\nfailed: ",
        "\n\n",
        s -> sweepMarkdown(md, s, surface));
    part(
        md, root.path("rss"), "samples", "## RSS\n\nfailed: ", "\n\n", rss -> rssMarkdown(md, rss));
    if (chartName != null) {
      md.append("![latency](").append(chartName).append(")\n\n");
    }
    if (rssChartName != null && root.path("rss").has("samples")) {
      md.append("![rss](").append(rssChartName).append(")\n");
    }
    return md.toString();
  }

  private static void listMarkdown(StringBuilder md, JsonNode list, String surface) {
    md.append("## List: first page at growing namespace sizes\n\n");
    md.append(
        fmt(
            "`%s` surface, `prefix=%s`, limit %d, no cursor; %d connections, closed loop, %.0f s"
                + " per size. Each size is a fresh namespace with N keys under the prefix and"
                + " N/10 (at least 100) outside it, half sorting before and half after.%n%n",
            surface,
            list.path("prefix").asText(),
            list.path("limit").asInt(),
            list.path("connections").asInt(),
            list.path("durationSeconds").asDouble()));
    listTable(md, list, Style.MARKDOWN, "keys under the prefix");
  }

  private static void sweepMarkdown(StringBuilder md, JsonNode sweep, String surface) {
    md.append("## Reads while the sweeper deletes expired keys\n\n");
    md.append(
        fmt(
            "%,d hot keys of %d B (no expiration) and %,d keys whose absolute `expiration` is"
                + " the same instant (%d), written in %.0f s by bulk PUTs of 10,000 pairs. An"
                + " open-loop GET of random hot keys at %.0f/s on `%s` (%d connections; latency"
                + " from each request's intended send time) is measured before the instant"
                + " (baseline) and from the instant until `flarekv_store_expired_swept_total`"
                + " has grown by all %,d keys (sweep).%n%n",
            sweep.path("hotKeys").asLong(),
            sweep.path("valueSize").asInt(),
            sweep.path("expiringKeys").asLong(),
            sweep.path("expiration").asLong(),
            sweep.path("preloadSeconds").asDouble(),
            sweep.path("readRate").asDouble(),
            surface,
            sweep.path("connections").asInt(),
            sweep.path("expiringKeys").asLong()));
    sweepTable(md, sweep, Style.MARKDOWN, "p99 during the sweep / p99 before");
    md.append(sweeperLine(sweep.path("sweeper"))).append(".\n\n");
  }

  private static void rssMarkdown(StringBuilder md, JsonNode rss) {
    md.append("## Server RSS under large values\n\n");
    md.append(
        fmt(
            "VmRSS/VmHWM of the server from `/proc/PID/status` every %d ms (VmHWM reset at the"
                + " start: %s) while (i) the `large` workload (50%% GET / 50%% PUT of 1 MiB, %d"
                + " connections) and (ii) a loop of PUT then GET of %,d-byte values over %d keys"
                + " (%d connections) run.%n%n",
            rss.path("sampleIntervalMs").asLong(),
            rss.path("peakReset").asBoolean() ? "yes" : "no, VmHWM is the process's lifetime peak",
            rss.path("large").path("connections").asInt(),
            rss.path("big").path("valueSize").asLong(),
            rss.path("big").path("keys").asInt(),
            rss.path("big").path("connections").asInt()));
    rssTable(md, rss, Style.MARKDOWN, "large (1 MiB get/put)", "25 MiB put then get");
    md.append("\n| RSS | MiB |\n|---|---:|\n");
    for (RssFigure f : RssFigure.values()) {
      md.append(fmt("| %s | %,.0f |%n", f.markdown, f.mib(rss)));
    }
    JsonNode bound = rss.path("bound");
    if (bound.has("totalMiB")) {
      md.append(
          fmt(
              "%n**Bound: %,d MiB** for `-Xmx%s`, from the server's configuration:%n%n"
                  + "| component | MiB |%n|---|---:|%n",
              bound.path("totalMiB").asLong(), bound.path("xmx").asText()));
      bound
          .path("componentsMiB")
          .properties()
          .forEach(e -> md.append(fmt("| %s | %,d |%n", e.getKey(), e.getValue().asLong())));
      md.append(
          fmt(
              "| (body budget, part of direct memory: max(256 MiB, heap/2)) | (%,d) |%n",
              bound.path("bodyBudgetMiB").asLong()));
      md.append('\n').append(rssLine(rss)).append(".\n");
    }
    md.append('\n');
  }

  /** The measured runs as chart rows: list per size, read before/during the sweep, large values. */
  static List<Row> rows(JsonNode root) {
    List<Row> rows = new ArrayList<>();
    String surface = root.path("surface").asText();
    JsonNode list = root.path("list");
    for (JsonNode s : list.path("sizes")) {
      long keys = s.path("keys").asLong();
      String op = fmt("list first page, %,d keys", keys);
      rows.add(row("list-" + keys, op, surface, list, s));
    }
    JsonNode sweep = root.path("sweep");
    if (sweep.has("baseline")) {
      rows.add(row("read-baseline", "GET before the sweep", surface, sweep, sweep.get("baseline")));
      rows.add(row("read-sweep", "GET during the sweep", surface, sweep, sweep.get("sweep")));
    }
    JsonNode rss = root.path("rss");
    if (rss.has("large")) {
      rows.add(row("large", "1 MiB get/put", surface, rss.get("large"), rss.get("large")));
    }
    if (rss.has("big")) {
      rows.add(row("big", "25 MiB put+get", surface, rss.get("big"), rss.get("big")));
    }
    return rows;
  }

  /**
   * The chart row of the measured run {@code s} of a flarekv-bench run on {@code surface}; {@code
   * part} holds its connection count.
   */
  private static Row row(String id, String op, String surface, JsonNode part, JsonNode s) {
    List<Double> f = figures(s);
    return new Row(
        id,
        "flarekv",
        op + " (" + surface + ")",
        "flarekv-bench",
        part.path("connections").asInt(),
        f.get(0),
        f.get(1),
        f.get(2),
        f.get(3),
        f.get(4),
        f.get(5),
        s.path("errors").asLong());
  }

  /** {@code String.format} in the root locale, as every figure of the report is written. */
  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
