package dev.flarekv.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.json.KvJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScaleReportTest {
  private static JsonNode run(String json) throws Exception {
    return KvJson.mapper().readTree(json.replace('\'', '"'));
  }

  private static String figures(double ops, double p50, double p99, long errors) {
    return String.format(
        java.util.Locale.ROOT,
        "{'opsPerSecond':%s,'errors':%d,'errorKinds':{},'latencyMs':{'p50':%s,'p90':%s,'p99':%s,"
            + "'p99.9':%s,'max':%s}",
        ops,
        errors,
        p50,
        p50 * 2,
        p99,
        p99 * 2,
        p99 * 3);
  }

  private static final String FULL =
      "{'surface':'binding','list':{'prefix':'session:','limit':100,'connections':4,"
          + "'durationSeconds':20,'sizes':["
          + figures(3000, 1.0, 4.0, 0)
          + ",'keys':1000},"
          + figures(2500, 1.2, 8.0, 0)
          + ",'keys':1000000}],"
          + "'ratio':{'from':1000,'to':1000000,'p50':1.2,'p99':2.0,'target':1.5}},"
          + "'sweep':{'hotKeys':10000,'expiringKeys':1000000,'valueSize':100,'expiration':1795323783,"
          + "'preloadSeconds':20,'readRate':5000,'connections':16,"
          + "'baseline':"
          + figures(5000, 0.15, 2.0, 0)
          + "},'sweep':"
          + figures(4999, 0.16, 3.0, 2)
          + "},'ratio':{'p50':1.07,'p99':1.5,'target':2.0},"
          + "'sweeper':{'completed':true,'swept':1000000,'firstDeletionAfterInstantSeconds':9.5,"
          + "'windowSeconds':70.25,'activeSeconds':60.75,'keysPerSecond':16461}},"
          + "'rss':{'sampleIntervalMs':500,'peakReset':true,'start':{'rssMiB':420},"
          + "'large':"
          + figures(260, 11, 64, 0)
          + ",'connections':4,'rssAfter':{'rssMiB':730}},"
          + "'big':"
          + figures(3.5, 700, 1700, 0)
          + ",'connections':3,'keys':4,'valueSize':26214400,'rssAfter':{'rssMiB':1134}},"
          + "'settled':{'rssMiB':1130},'maxRssMiB':1258.4,'hwmMiB':1260.1,"
          + "'bound':{'xmx':'1g','totalMiB':3080,'bodyBudgetMiB':512,"
          + "'componentsMiB':{'heap (-Xmx)':1024,'RocksDB block cache':64}},"
          + "'samples':[{'t':0,'phase':'idle','rssMiB':420,'hwmMiB':420},"
          + "{'t':0.5,'phase':'large','rssMiB':700,'hwmMiB':700},"
          + "{'t':1.0,'phase':'big','rssMiB':1258.4,'hwmMiB':1260.1}]}}";

  @Test
  void markdownStatesRatiosVerdictsAndTheBound() throws Exception {
    String md = ScaleReport.markdown(run(FULL), "T", List.of("ctx line"), "c.png", "r.png");
    assertThat(md).startsWith("# T\n\n- ctx line\n");
    assertThat(md).contains("| 1,000 | 3,000.0 | 1.000 | 2.000 | 4.000 | 8.000 | 12.000 | 0 |");
    assertThat(md).contains("| 1,000,000 | 2,500.0 | 1.200 |");
    assertThat(md)
        .contains(
            "**p99 at 1,000,000 keys / p99 at 1,000 keys: 2.00×** (p50: 1.20×); target ≤"
                + " 1.5×: **NOT met**.");
    assertThat(md)
        .contains(
            "**p99 during the sweep / p99 before: 1.50×** (p50: 1.07×); target ≤"
                + " 2.0×: **met**.");
    assertThat(md)
        .contains(
            "1,000,000 keys swept; first deletion 9.5 s after the instant, all gone"
                + " 70.3 s after it (60.8 s of sweeping, 16,461 keys/s)");
    assertThat(md).contains("| **max sampled VmRSS** | 1,258 |");
    assertThat(md).contains("**Bound: 3,080 MiB** for `-Xmx1g`");
    assertThat(md).contains("| heap (-Xmx) | 1,024 |");
    assertThat(md)
        .contains("| (body budget, part of direct memory: max(256 MiB, heap/2)) | (512) |");
    assertThat(md).contains("bound 3,080 MiB (-Xmx 1g): within");
    assertThat(md).contains("![latency](c.png)").contains("![rss](r.png)");
  }

  @Test
  void boundExceededIsSaid() throws Exception {
    String over = FULL.replace("'hwmMiB':1260.1,'bound'", "'hwmMiB':3100,'bound'");
    assertThat(ScaleReport.tables(run(over))).contains("bound 3,080 MiB (-Xmx 1g): EXCEEDED");
  }

  @Test
  void unfinishedSweepAndFailedPartsAreReported() throws Exception {
    String json =
        "{'surface':'rest','list':{'error':'boom'},'sweep':{'hotKeys':1,'expiringKeys':5,"
            + "'readRate':1,'baseline':"
            + figures(1, 1, 1, 0)
            + "},'sweep':"
            + figures(1, 1, 1, 0)
            + "},'ratio':{'p50':1,'p99':1,'target':2},'sweeper':{'completed':false,'swept':3}}}";
    String text = ScaleReport.tables(run(json));
    assertThat(text).contains("list: failed: boom");
    assertThat(text).contains("sweeper: NOT finished within the timeout (3 keys swept)");
    assertThat(ScaleReport.markdown(run(json), "T", List.of(), null, null))
        .contains("## List\n\nfailed: boom")
        .doesNotContain("![");
  }

  @Test
  void rowsAndChartsForEveryMeasuredRun(@TempDir Path dir) throws Exception {
    JsonNode root = run(FULL);
    List<Row> rows = ScaleReport.rows(root);
    assertThat(rows)
        .extracting(Row::id)
        .containsExactly(
            "list-1000", "list-1000000", "read-baseline", "read-sweep", "large", "big");
    assertThat(rows.get(1).op()).isEqualTo("list first page, 1,000,000 keys (binding)");
    assertThat(rows.get(1).p99()).isEqualTo(8.0);
    System.setProperty("java.awt.headless", "true");
    Chart.write(rows, "t", dir.resolve("c.png"));
    RssChart.write(root.path("rss"), "t", dir.resolve("r.png"));
    assertThat(Files.size(dir.resolve("c.png"))).isPositive();
    assertThat(Files.size(dir.resolve("r.png"))).isPositive();
  }
}
