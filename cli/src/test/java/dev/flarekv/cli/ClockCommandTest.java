package dev.flarekv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.modes.Modes;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.storage.testkit.MutableClock;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flarekv clock} and its subcommands against a real server started with --clock manual. */
class ClockCommandTest {
  static final long NOW = TestServer.NOW_SECONDS; // 2023-11-14T22:13:20Z

  @TempDir Path cwd;
  @TempDir Path data;
  TestServer server;
  CliHarness cli;

  @BeforeEach
  void setUp() {
    server =
        TestServer.start(
            data,
            List.of(TestServer.TOKEN),
            new MutableClock(NOW * 1000),
            c -> c.withModes(Modes.OFF.withClock(Modes.Clock.MANUAL)));
    cli = new CliHarness(server, cwd);
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  CliHarness.Run ok(String... args) {
    CliHarness.Run run = cli.root(args);
    assertThat(run.code()).as(run.toString()).isZero();
    return run;
  }

  @Test
  void clock_printsNowAsIsoAndEpoch_andWhetherFrozen() {
    assertThat(ok("clock").out())
        .isEqualTo("now:    2023-11-14T22:13:20Z (1700000000)\nfrozen: yes\n");
    assertThat(KvJson.parse(ok("clock", "--json").stdout()).path("now").longValue()).isEqualTo(NOW);
  }

  @Test
  void advance_takesDurations_andPrintsTheNewTime() {
    assertThat(ok("clock", "advance", "1h30m").out())
        .startsWith("now:    2023-11-14T23:43:20Z (1700005400)\nfrozen: yes\n");
    ok("clock", "advance", "PT1H");
    ok("clock", "advance", "2d");
    ok("clock", "advance", "90s");
    assertThat(server.server().clock().millis())
        .isEqualTo((NOW + 5400 + 3600 + 172_800 + 90) * 1000);
  }

  @Test
  void advance_refusesUnknownUnits_beforeAskingTheServer() {
    CliHarness.Run run = cli.root("clock", "advance", "3 fortnights");
    assertThat(run.code()).isNotZero();
    assertThat(run.err()).contains("Unknown duration \"3 fortnights\"").contains("1h30m");
    assertThat(server.server().clock().millis()).isEqualTo(NOW * 1000);
  }

  @Test
  void advance_refusesANegativeDuration_withTheReason() {
    CliHarness.Run run = cli.root("clock", "advance", "-5m");
    assertThat(run.code()).isNotZero();
    assertThat(run.err()).contains("Duration \"-5m\" is negative: the clock only moves forward");
    assertThat(server.server().clock().millis()).isEqualTo(NOW * 1000);
  }

  @Test
  void set_takesAnIsoInstantOrEpochSeconds_andThePastIsRefusedByTheServer() {
    assertThat(ok("clock", "set", "2030-01-01T00:00:00Z").out())
        .startsWith("now:    2030-01-01T00:00:00Z (1893456000)\n");
    ok("clock", "set", "1893456060");
    assertThat(server.server().clock().millis()).isEqualTo(1_893_456_060_000L);
    CliHarness.Run past = cli.root("clock", "set", "2029-01-01T00:00:00Z");
    assertThat(past.code()).isNotZero();
    assertThat(past.err()).contains("in the past");
    assertThat(server.server().clock().millis()).isEqualTo(1_893_456_060_000L);
  }

  @Test
  void resumeAndFreeze_switchTheClock() {
    assertThat(ok("clock", "resume").out()).contains("frozen: no");
    assertThat(server.server().clock().isFrozen()).isFalse();
    server.clock().advanceSeconds(30); // the base ticks: so does the server
    assertThat(ok("clock").out()).startsWith("now:    2023-11-14T22:13:50Z (1700000030)\n");
    assertThat(ok("clock", "freeze").out()).contains("frozen: yes");
    server.clock().advanceSeconds(30);
    assertThat(ok("clock", "--json").out()).contains("\"now\":1700000030");
  }

  @Test
  void aWrongTokenFailsWithTheServersMessage() {
    CliHarness.Run run = cli.root("clock", "advance", "1h", "--api-token", "wrong");
    assertThat(run.code()).isNotZero();
    assertThat(run.err()).contains("Authentication error");
    assertThat(server.server().clock().millis()).isEqualTo(NOW * 1000);
  }
}
