package dev.flarekv.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders the JSON of {@code flarekv-bench scale} as plain-text tables (the command's output) and
 * as the markdown report of scale.sh, and turns it into rows for {@link Chart}.
 */
public final class ScaleReport {
  private ScaleReport() {}

  /** The tables printed by {@code scale}. */
  public static String tables(JsonNode root) {
    StringBuilder b = new StringBuilder();
    JsonNode list = root.path("list");
    if (list.has("error")) {
      b.append(failed("list: failed: ", list, "\n\n"));
    } else if (list.has("sizes")) {
      b.append(
          fmt(
              "list: first page (prefix %s, limit %d) on %s, %d connections, closed loop%n",
              list.path("prefix").asText(),
              list.path("limit").asInt(),
              root.path("surface").asText(),
              list.path("connections").asInt()));
      b.append(Style.TEXT.head("keys"));
      for (JsonNode s : list.get("sizes")) {
        b.append(Style.TEXT.row(fmt("%,d", s.path("keys").asLong()), s));
      }
      JsonNode r = list.path("ratio");
      if (r.has("p99")) {
        b.append(Style.TEXT.ratio(listRatioLabel(r, Style.TEXT), r));
      }
      b.append('\n');
    }
    JsonNode sweep = root.path("sweep");
    if (sweep.has("error")) {
      b.append(failed("sweep: failed: ", sweep, "\n\n"));
    } else if (sweep.has("baseline")) {
      b.append(
          fmt(
              "sweep: open-loop read of %,d hot keys at %.0f/s on %s while %,d keys expire at once%n",
              sweep.path("hotKeys").asLong(),
              sweep.path("readRate").asDouble(),
              root.path("surface").asText(),
              sweep.path("expiringKeys").asLong()));
      sweepTable(b, sweep, Style.TEXT);
      b.append(Style.TEXT.ratio("sweep / baseline", sweep.path("ratio")));
      b.append(sweeperLine(sweep.path("sweeper"))).append("\n\n");
    }
    JsonNode rss = root.path("rss");
    if (rss.has("error")) {
      b.append(failed("rss: failed: ", rss, "\n"));
    } else if (rss.has("samples")) {
      b.append("rss: server memory while large values are written and read\n");
      b.append(Style.TEXT.head("phase"));
      b.append(Style.TEXT.row("large 1 MiB", rss.get("large")));
      b.append(Style.TEXT.row("25 MiB put+get", rss.get("big")));
      b.append(rssLine(rss)).append('\n');
    }
    return b.toString();
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
      return fmt(
          ratioFormat(),
          label,
          r.path("p99").asDouble(),
          r.path("p50").asDouble(),
          r.path("target").asDouble(),
          verdict(r.path("p99").asDouble(), r.path("target").asDouble()));
    }

    final String row(String first, JsonNode s) {
      JsonNode l = s.path("latencyMs");
      return fmt(
          rowFormat(),
          first,
          s.path("opsPerSecond").asDouble(),
          l.path("p50").asDouble(),
          l.path("p90").asDouble(),
          l.path("p99").asDouble(),
          l.path("p99.9").asDouble(),
          l.path("max").asDouble(),
          errors(s));
    }
  }

  private static String listRatioLabel(JsonNode r, Style style) {
    return style == Style.TEXT
        ? fmt("%,d / %,d keys", r.path("to").asLong(), r.path("from").asLong())
        : fmt("p99 at %,d keys / p99 at %,d keys", r.path("to").asLong(), r.path("from").asLong());
  }

  private static void sweepTable(StringBuilder b, JsonNode sweep, Style style) {
    b.append(style.head("window"));
    b.append(style.row("baseline", sweep.get("baseline")));
    b.append(style.row("sweep", sweep.get("sweep")));
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

  static String rssLine(JsonNode rss) {
    StringBuilder b =
        new StringBuilder(
            fmt(
                "RSS MiB: start %.0f, after large %.0f, after 25 MiB loop %.0f, settled %.0f,"
                    + " max sampled %.0f, VmHWM %.0f",
                rss.path("start").path("rssMiB").asDouble(),
                rss.path("large").path("rssAfter").path("rssMiB").asDouble(),
                rss.path("big").path("rssAfter").path("rssMiB").asDouble(),
                rss.path("settled").path("rssMiB").asDouble(),
                rss.path("maxRssMiB").asDouble(),
                rss.path("hwmMiB").asDouble()));
    JsonNode bound = rss.path("bound");
    if (bound.has("totalMiB")) {
      double peak = Math.max(rss.path("maxRssMiB").asDouble(), rss.path("hwmMiB").asDouble());
      b.append(
          fmt(
              "; bound %,d MiB (-Xmx %s): %s",
              bound.path("totalMiB").asLong(),
              bound.path("xmx").asText(),
              peak <= bound.path("totalMiB").asDouble() ? "within" : "EXCEEDED"));
    }
    return b.toString();
  }

  static String verdict(double ratio, double target) {
    return ratio <= target ? "met" : "NOT met";
  }

  /** The markdown report of scale.sh. */
  public static String markdown(
      JsonNode root, String title, List<String> context, String chartName, String rssChartName) {
    StringBuilder md = new StringBuilder();
    md.append("# ").append(title).append("\n\n");
    for (String c : context) {
      md.append("- ").append(c).append('\n');
    }
    md.append('\n');
    JsonNode list = root.path("list");
    if (list.has("sizes")) {
      md.append("## List: first page at growing namespace sizes\n\n");
      md.append(
          fmt(
              "`%s` surface, `prefix=%s`, limit %d, no cursor; %d connections, closed loop, %.0f s"
                  + " per size. Each size is a fresh namespace with N keys under the prefix and"
                  + " N/10 (at least 100) outside it, half sorting before and half after.%n%n",
              root.path("surface").asText(),
              list.path("prefix").asText(),
              list.path("limit").asInt(),
              list.path("connections").asInt(),
              list.path("durationSeconds").asDouble()));
      md.append(Style.MARKDOWN.head("keys under the prefix"));
      for (JsonNode s : list.get("sizes")) {
        md.append(Style.MARKDOWN.row(fmt("%,d", s.path("keys").asLong()), s));
      }
      JsonNode r = list.path("ratio");
      if (r.has("p99")) {
        md.append(Style.MARKDOWN.ratio(listRatioLabel(r, Style.MARKDOWN), r));
      }
    } else if (list.has("error")) {
      md.append(failed("## List\n\nfailed: ", list, "\n\n"));
    }
    JsonNode sweep = root.path("sweep");
    if (sweep.has("baseline")) {
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
              root.path("surface").asText(),
              sweep.path("connections").asInt(),
              sweep.path("expiringKeys").asLong()));
      sweepTable(md, sweep, Style.MARKDOWN);
      md.append(Style.MARKDOWN.ratio("p99 during the sweep / p99 before", sweep.path("ratio")));
      md.append(sweeperLine(sweep.path("sweeper"))).append(".\n\n");
    } else if (sweep.has("error")) {
      md.append(failed("## Sweep\n\nfailed: ", sweep, "\n\n"));
    }
    JsonNode rss = root.path("rss");
    if (rss.has("samples")) {
      md.append("## Server RSS under large values\n\n");
      md.append(
          fmt(
              "VmRSS/VmHWM of the server from `/proc/PID/status` every %d ms (VmHWM reset at the"
                  + " start: %s) while (i) the `large` workload (50%% GET / 50%% PUT of 1 MiB, %d"
                  + " connections) and (ii) a loop of PUT then GET of %,d-byte values over %d keys"
                  + " (%d connections) run.%n%n",
              rss.path("sampleIntervalMs").asLong(),
              rss.path("peakReset").asBoolean()
                  ? "yes"
                  : "no, VmHWM is the process's lifetime peak",
              rss.path("large").path("connections").asInt(),
              rss.path("big").path("valueSize").asLong(),
              rss.path("big").path("keys").asInt(),
              rss.path("big").path("connections").asInt()));
      md.append(Style.MARKDOWN.head("phase"));
      md.append(Style.MARKDOWN.row("large (1 MiB get/put)", rss.get("large")));
      md.append(Style.MARKDOWN.row("25 MiB put then get", rss.get("big")));
      md.append("\n| RSS | MiB |\n|---|---:|\n");
      md.append(mib("at the start", rss.path("start").path("rssMiB")));
      md.append(mib("after the large workload", rss.path("large").path("rssAfter").path("rssMiB")));
      md.append(mib("after the 25 MiB loop", rss.path("big").path("rssAfter").path("rssMiB")));
      md.append(mib("2 s later", rss.path("settled").path("rssMiB")));
      md.append(mib("**max sampled VmRSS**", rss.path("maxRssMiB")));
      md.append(mib("VmHWM (peak)", rss.path("hwmMiB")));
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
            .forEach(
                e ->
                    md.append("| ")
                        .append(e.getKey())
                        .append(" | ")
                        .append(fmt("%,d", e.getValue().asLong()))
                        .append(" |\n"));
        md.append(
            fmt(
                "| (body budget, part of direct memory: max(256 MiB, heap/2)) | (%,d) |%n",
                bound.path("bodyBudgetMiB").asLong()));
        md.append('\n').append(rssLine(rss)).append(".\n");
      }
      md.append('\n');
    } else if (rss.has("error")) {
      md.append(failed("## RSS\n\nfailed: ", rss, "\n\n"));
    }
    if (chartName != null) {
      md.append("![latency](").append(chartName).append(")\n\n");
    }
    if (rssChartName != null && rss.has("samples")) {
      md.append("![rss](").append(rssChartName).append(")\n");
    }
    return md.toString();
  }

  private static String mib(String what, JsonNode v) {
    return fmt("| %s | %,.0f |%n", what, v.asDouble());
  }

  /** The measured runs as chart rows: list per size, read before/during the sweep, large values. */
  static List<Row> rows(JsonNode root) {
    List<Row> rows = new ArrayList<>();
    String surface = root.path("surface").asText();
    for (JsonNode s : root.path("list").path("sizes")) {
      rows.add(
          row(
              "list-" + s.path("keys").asLong(),
              fmt("list first page, %,d keys", s.path("keys").asLong()),
              root.path("list").path("connections").asInt(),
              s));
    }
    JsonNode sweep = root.path("sweep");
    if (sweep.has("baseline")) {
      int c = sweep.path("connections").asInt();
      rows.add(row("read-baseline", "GET before the sweep", c, sweep.get("baseline")));
      rows.add(row("read-sweep", "GET during the sweep", c, sweep.get("sweep")));
    }
    JsonNode rss = root.path("rss");
    if (rss.has("large")) {
      rows.add(
          row(
              "large",
              "1 MiB get/put",
              rss.path("large").path("connections").asInt(),
              rss.get("large")));
    }
    if (rss.has("big")) {
      rows.add(
          row(
              "big",
              "25 MiB put+get",
              rss.path("big").path("connections").asInt(),
              rss.get("big")));
    }
    rows.replaceAll(
        r ->
            new Row(
                r.id(),
                "flarekv",
                r.op() + " (" + surface + ")",
                r.tool(),
                r.connections(),
                r.rps(),
                r.p50(),
                r.p90(),
                r.p99(),
                r.p999(),
                r.max(),
                r.errors()));
    return rows;
  }

  private static Row row(String id, String op, int conns, JsonNode s) {
    JsonNode l = s.path("latencyMs");
    return new Row(
        id,
        "flarekv",
        op,
        "flarekv-bench",
        conns,
        s.path("opsPerSecond").asDouble(),
        l.path("p50").asDouble(),
        l.path("p90").asDouble(),
        l.path("p99").asDouble(),
        l.path("p99.9").asDouble(),
        l.path("max").asDouble(),
        s.path("errors").asLong());
  }

  /** {@code String.format} in the root locale, as every figure of the report is written. */
  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  /** A part that failed: {@code lead}, the part's error, {@code end}. */
  private static String failed(String lead, JsonNode part, String end) {
    return lead + part.get("error").asText() + end;
  }
}
