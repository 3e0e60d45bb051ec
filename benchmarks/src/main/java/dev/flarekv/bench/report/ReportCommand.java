package dev.flarekv.bench.report;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flarekv-bench report}: turns the figures compare.sh collected (a TSV, see {@link Row})
 * into a markdown report with ratios and a PNG chart, and prints the figures and ratios.
 */
@Command(
    name = "report",
    description = "Writes the markdown report and PNG chart of a compare.sh run.")
public final class ReportCommand extends MarkdownReportCommand {
  public ReportCommand() {
    super("flarekv side by side");
  }

  @Option(names = "--input", required = true, description = "TSV of figures (header line first)")
  Path input;

  @Option(names = "--png", required = true, description = "chart to write")
  Path png;

  @Option(
      names = "--ratio",
      description = "NAME=ID_A/ID_B: the throughput of row A over row B (repeatable)")
  List<String> ratios = new ArrayList<>();

  @Option(names = "--extra", description = "a markdown file appended to the report")
  Path extra;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = start();
    List<Row> rows = new ArrayList<>();
    for (String line : Files.readAllLines(input, StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("id\t") || line.startsWith("#")) {
        continue;
      }
      rows.add(Row.parse(line));
    }
    Map<String, Row> byId = new LinkedHashMap<>();
    rows.forEach(r -> byId.put(r.id(), r));
    Map<String, String> ratioText = new LinkedHashMap<>();
    for (String spec : ratios) {
      int eq = spec.indexOf('=');
      int slash = spec.lastIndexOf('/');
      if (eq < 0 || slash < eq) {
        throw new IllegalArgumentException("--ratio NAME=ID_A/ID_B: " + spec);
      }
      Row a = byId.get(spec.substring(eq + 1, slash));
      Row b = byId.get(spec.substring(slash + 1));
      String value =
          a == null || b == null || Double.isNaN(a.rps()) || Double.isNaN(b.rps()) || b.rps() == 0
              ? "n/a (figure missing)"
              : String.format(
                  Locale.ROOT,
                  "%.2f× (%s / %s req/s)",
                  a.rps() / b.rps(),
                  Row.fmt(a.rps(), 0),
                  Row.fmt(b.rps(), 0));
      ratioText.put(spec.substring(0, eq), value);
    }

    StringBuilder md = new StringBuilder(heading(title, context));
    md.append("\n## Figures\n\n");
    md.append(
            "| system | operation | measured with | conns | requests/s | p50 ms | p90 ms | p99 ms |")
        .append(" p99.9 ms | max ms | errors |\n");
    md.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %d |%n",
              cells(r, r.system(), r.op(), r.tool(), r.connections())));
    }
    md.append("\n## Ratios (throughput)\n\n| ratio | value |\n|---|---|\n");
    ratioText.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    md.append("\n![chart](").append(png.getFileName()).append(")\n");
    if (extra != null && Files.exists(extra)) {
      md.append('\n').append(Files.readString(extra, StandardCharsets.UTF_8));
    }
    writeMarkdown(md.toString());
    Chart.write(rows, title, png);

    out.print(TableHead.format("%-44s %12s %9s %9s %9s %9s %9s %7s%n", "figure", "req/s"));
    for (Row r : rows) {
      out.printf(Locale.ROOT, "%-44s %12s %9s %9s %9s %9s %9s %7d%n", cells(r, r.label()));
    }
    out.println();
    ratioText.forEach((k, v) -> out.printf(Locale.ROOT, "%-44s %s%n", k, v));
    out.println();
    out.println("report: " + markdown);
    out.println("chart:  " + png);
    out.flush();
    return 0;
  }

  /** The format arguments of a row: {@code leading}, the row's figures, then its errors. */
  private static Object[] cells(Row r, Object... leading) {
    List<Object> cells = new ArrayList<>(List.of(leading));
    cells.addAll(r.figures());
    cells.add(r.errors());
    return cells.toArray();
  }
}
