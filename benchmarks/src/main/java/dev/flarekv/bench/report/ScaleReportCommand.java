package dev.flarekv.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.json.KvJson;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flarekv-bench scale-report}: the markdown report and charts of a scale.sh run. */
@Command(
    name = "scale-report",
    description = "Writes the markdown report and PNG charts of a scale run from its JSON.")
public final class ScaleReportCommand extends MarkdownReportCommand {
  public ScaleReportCommand() {
    super("flarekv scale curves");
  }

  @Option(names = "--input", required = true, description = "JSON written by scale --json-out")
  Path input;

  @Option(names = "--png", description = "latency chart to write")
  Path png;

  @Option(names = "--rss-png", description = "RSS chart to write")
  Path rssPng;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = start();
    JsonNode root = KvJson.mapper().readTree(Files.readString(input, StandardCharsets.UTF_8));
    List<Row> rows = ScaleReport.rows(root);
    boolean chart = png != null && !rows.isEmpty();
    boolean rssChart = rssPng != null && root.path("rss").has("samples");
    if (chart) {
      Chart.write(rows, title, png);
    }
    if (rssChart) {
      RssChart.write(root.path("rss"), title + ": server RSS", rssPng);
    }
    writeMarkdown(
        ScaleReport.markdown(
            root,
            title,
            context,
            chart ? png.getFileName().toString() : null,
            rssChart ? rssPng.getFileName().toString() : null));
    out.print(ScaleReport.tables(root));
    out.println("report: " + markdown);
    out.flush();
    return 0;
  }
}
