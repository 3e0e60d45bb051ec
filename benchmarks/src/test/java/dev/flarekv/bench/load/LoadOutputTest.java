package dev.flarekv.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.json.KvJson;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The result of {@code load} as its output options ask: table, JSON object, TSV line. */
class LoadOutputTest {
  private static final LoadPlan PLAN =
      LoadPlan.builder()
          .target("127.0.0.1", 1)
          .workload(Workload.LARGE)
          .requests(
              new Surface.Requests(
                  Surface.HTTP, "/kv/", null, null, "127.0.0.1:1", new DefaultHttpHeaders()))
          .connections(3)
          .rate(50)
          .build();

  /** 20 operations in 2 s, latencies 1 to 20 ms, one timed out. */
  private static LoadResult result() {
    Histogram h = new Histogram(3);
    for (int ms = 1; ms <= 20; ms++) {
      h.recordValue(ms * 1_000_000L);
    }
    return new LoadResult(20, 40, 1, Map.of("timeout", 1L), h, null, 2_000_000_000L);
  }

  private static String print(String... args) throws Exception {
    LoadOutput output = new LoadOutput();
    new CommandLine(output).parseArgs(args);
    StringWriter text = new StringWriter();
    output.print(new PrintWriter(text), result(), PLAN, Surface.HTTP, "http://t/");
    return text.toString();
  }

  @Test
  void table_namesTheRunAndItsFigures() throws Exception {
    String text = print("--label", "big");

    assertThat(text)
        .startsWith(
            "big: large on http (http://t/), 3 connections, open loop at 50 ops/s, 2.0 s"
                + " measured, value 1,048,576 B\n")
        .contains("ops/s   requests/s")
        .contains("        10.0         20.0")
        .endsWith("errors: {timeout=1}\n");
  }

  @Test
  void json_isOneObjectWithTheSameFacts() throws Exception {
    JsonNode o = KvJson.mapper().readTree(print("--json"));

    assertThat(o.has("label")).isFalse();
    assertThat(o.get("workload").asText()).isEqualTo("large");
    assertThat(o.get("surface").asText()).isEqualTo("http");
    assertThat(o.get("mode").asText()).isEqualTo("open");
    assertThat(o.get("valueSize").asInt()).isEqualTo(1 << 20);
    assertThat(o.get("opsPerSecond").asDouble()).isEqualTo(10.0);
    assertThat(o.get("requestsPerSecond").asDouble()).isEqualTo(20.0);
    assertThat(o.get("errorKinds").get("timeout").asLong()).isEqualTo(1);
  }

  @Test
  void tsv_appendsOneFiguresLinePerRun(@TempDir Path dir) throws Exception {
    Path tsv = dir.resolve("figures.tsv");

    print("--label", "get:flarekv:GET", "--tsv", tsv.toString());
    print("--label", "get:flarekv:GET", "--tsv", tsv.toString());

    List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).split("\t"))
        .startsWith("get", "flarekv", "GET", "flarekv-bench", "3", "10.0")
        .endsWith("1");
  }

  @Test
  void tsv_needsALabelOfThreeParts(@TempDir Path dir) {
    assertThatThrownBy(() -> print("--label", "x", "--tsv", dir.resolve("f.tsv").toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--tsv needs --label ID:SYSTEM:OP");
  }
}
