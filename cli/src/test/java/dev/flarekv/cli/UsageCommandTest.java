package dev.flarekv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.modes.Modes;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.storage.testkit.MutableClock;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flarekv usage} against real servers with and without {@code --limits free}. */
class UsageCommandTest {
  @TempDir Path data;
  @TempDir Path cwd;
  TestServer server;

  CliHarness start(Modes.Limits limits) {
    server =
        TestServer.start(
            data,
            List.of(TestServer.TOKEN),
            new MutableClock(TestServer.NOW_SECONDS * 1000),
            c -> c.withModes(Modes.OFF.withLimits(limits)));
    return new CliHarness(server, cwd);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void printsTodaysCountsAgainstTheQuotas() {
    CliHarness cli = start(Modes.Limits.FREE);
    String ns = server.createNamespace("usage");
    assertThat(server.put(TestServer.ns(ns) + "/values/k", "12345").status()).isEqualTo(200);
    CliHarness.Run run = cli.root("usage");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "day 2023-11-14 (UTC), counts reset at 2023-11-15T00:00Z\n"
                + "ACCOUNT              QUOTA                   USED          LIMIT\n"
                + "acct123              reads                      0         100000\n"
                + "acct123              writes                     1           1000\n"
                + "acct123              deletes                    0           1000\n"
                + "acct123              lists                      0           1000\n"
                + "acct123              stored_bytes               6     1000000000\n");
    CliHarness.Run json = cli.root("usage", "--json", "--account", "other");
    assertThat(json.code()).as(json.toString()).isZero();
    assertThat(KvJson.parse(json.stdout()).path("accounts").get(0).path("account").asText())
        .isEqualTo("other");
  }

  @Test
  void aLongAccountIdWidensItsColumn() {
    CliHarness cli = start(Modes.Limits.FREE);
    String account = "f1a2e4b0000000000000000000000001";
    CliHarness.Run run = cli.root("usage", "--account", account);
    assertThat(run.code()).as(run.toString()).isZero();
    String[] lines = run.out().split("\n");
    assertThat(lines[1]).startsWith("ACCOUNT" + " ".repeat(account.length() - 7 + 1) + "QUOTA");
    assertThat(lines[2]).startsWith(account + " reads");
    assertThat(lines[2].length()).isEqualTo(lines[1].length());
  }

  @Test
  void withoutFreeLimits_saysHowToTurnThemOn() {
    CliHarness cli = start(Modes.Limits.OFF);
    CliHarness.Run run = cli.root("usage");
    assertThat(run.code()).isNotZero();
    assertThat(run.err()).contains("start flarekv with --limits free");
  }
}
