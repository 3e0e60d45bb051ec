package dev.flarekv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.testkit.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flarekv faults add|list|rm|clear} against a real server. */
class FaultsCommandTest extends CliServerTest {
  @TempDir Path cwd;
  CliHarness cli;

  @BeforeEach
  void setUp() {
    cli = new CliHarness(server, cwd);
  }

  @AfterEach
  void clear() {
    server.delete("/flarekv/v1/faults");
  }

  @Test
  void addFromFlags_thenTheRuleFails() {
    String ns = server.createNamespace("faults-flags");
    CliHarness.Run run =
        cli.root(
            "faults",
            "add",
            "--status",
            "503",
            "--ops",
            "get,put",
            "--prefix",
            "session:",
            "--probability",
            "0.5",
            "--count",
            "3",
            "--latency",
            "200ms",
            "--surface",
            "binding",
            "--namespace",
            ns);
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out())
        .matches(
            "Added fault rule f\\d+ namespace=\""
                + ns
                + "\" prefix=\"session:\" ops=get,put surface=\"binding\" status=503"
                + " latency_ms=200 probability=0.5 count=3 fired=0 active\n");
    TestServer.Reply rules = server.get("/flarekv/v1/faults");
    assertThat(rules.result().path(0).path("latency_ms").asLong()).isEqualTo(200);
  }

  @Test
  void addFromJson_listShowsIt_andTheRuleFailsReads() {
    String ns = server.createNamespace("faults-json");
    server.put(TestServer.ns(ns) + "/values/k", "v");
    CliHarness.Run add =
        cli.root("faults", "add", "--json", "{\"status\":500,\"ops\":[\"get\"],\"count\":1}");
    assertThat(add.code()).as(add.toString()).isZero();
    String id = add.out().split(" ")[3];
    assertThat(server.get(TestServer.ns(ns) + "/values/k").status()).isEqualTo(500);

    CliHarness.Run list = cli.root("faults", "list");
    assertThat(list.code()).as(list.toString()).isZero();
    assertThat(list.out())
        .isEqualTo(id + " ops=get status=500 probability=1.0 count=1 fired=1 spent\n");
    CliHarness.Run json = cli.root("faults", "list", "--json");
    assertThat(KvJson.parse(json.stdout()).path(0).path("id").asText()).isEqualTo(id);
  }

  @Test
  void latencyTakesUnits() {
    CliHarness.Run run = cli.root("faults", "add", "--latency", "1.5s");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).contains(" latency_ms=1500 ");
    CliHarness.Run bad = cli.root("faults", "add", "--latency", "soon");
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).contains("'soon' is not a duration");
  }

  @Test
  void malformedRulesFailWithTheServersReason() {
    CliHarness.Run ops = cli.root("faults", "add", "--status", "503", "--ops", "get,fetch");
    assertThat(ops.code()).isNotZero();
    assertThat(ops.err()).contains("unknown op \"fetch\"").contains("[code: 10001]");
    CliHarness.Run p = cli.root("faults", "add", "--status", "503", "--probability", "2");
    assertThat(p.err()).contains("probability must be a number from 0 to 1");
    CliHarness.Run none = cli.root("faults", "add", "--prefix", "a");
    assertThat(none.err()).contains("a fault rule needs a status");
    CliHarness.Run both = cli.root("faults", "add", "--json", "{\"status\":503}", "--count", "1");
    assertThat(both.code()).isNotZero();
    assertThat(both.err()).contains("--json takes the whole rule");
    CliHarness.Run notJson = cli.root("faults", "add", "--json", "{status");
    assertThat(notJson.err()).contains("--json is not valid JSON");
    assertThat(server.get("/flarekv/v1/faults").result().size()).isZero();
  }

  @Test
  void rmRemovesOneRule_andAnUnknownIdFails() {
    CliHarness.Run add = cli.root("faults", "add", "--status", "503");
    String id = add.out().split(" ")[3];
    cli.root("faults", "add", "--status", "500");
    CliHarness.Run rm = cli.root("faults", "rm", id);
    assertThat(rm.code()).as(rm.toString()).isZero();
    assertThat(rm.out()).isEqualTo("Removed fault rule " + id + ".\n");
    assertThat(server.get("/flarekv/v1/faults").result().size()).isEqualTo(1);
    CliHarness.Run again = cli.root("faults", "rm", id);
    assertThat(again.code()).isNotZero();
    assertThat(again.err()).contains("No fault rule with id \"" + id + "\"");
  }

  @Test
  void clearRemovesEveryRule_andListSaysSo() {
    cli.root("faults", "add", "--status", "503");
    cli.root("faults", "add", "--status", "429");
    CliHarness.Run clear = cli.root("faults", "clear");
    assertThat(clear.code()).as(clear.toString()).isZero();
    assertThat(clear.out()).isEqualTo("Removed 2 fault rules.\n");
    assertThat(cli.root("faults", "list").out()).isEqualTo("No fault rules.\n");
  }

  @Test
  void withoutASubcommandPrintsUsage() {
    CliHarness.Run run = cli.root("faults");
    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("add").contains("list").contains("rm").contains("clear");
  }
}
