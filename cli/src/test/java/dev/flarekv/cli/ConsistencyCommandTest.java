package dev.flarekv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.modes.Modes;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.storage.testkit.MutableClock;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flarekv consistency} and {@code flarekv consistency flush} against a real server. */
class ConsistencyCommandTest {
  @TempDir Path data;
  @TempDir Path cwd;

  private static TestServer start(Path data, Modes modes) {
    return TestServer.start(
        data,
        List.of(TestServer.TOKEN),
        new MutableClock(TestServer.NOW_SECONDS * 1000),
        c -> c.withModes(modes));
  }

  @Test
  void showsTheCachesAndFlushesThem() {
    Modes eventual = Modes.OFF.withConsistency(Modes.Consistency.EVENTUAL).withRandomSeed(3);
    try (TestServer server = start(data, eventual)) {
      String ns = server.createNamespace("sessions");
      assertThat(bind(server, ns, "A", "PUT", "old")).isEqualTo(200);
      server.clock().advanceSeconds(61);
      assertThat(bind(server, ns, "B", "GET", null)).isEqualTo(200);
      assertThat(bind(server, ns, "A", "PUT", "new")).isEqualTo(200);
      CliHarness cli = new CliHarness(server, cwd);

      CliHarness.Run stats = cli.root("consistency");
      assertThat(stats.code()).as(stats.toString()).isZero();
      assertThat(stats.out())
          .isEqualTo(
              "consistency:    eventual\n"
                  + "cached entries: 1\n"
                  + "recent writes:  1\n"
                  + "locations:\n"
                  + "  B: 1 cached\n");
      CliHarness.Run json = cli.root("consistency", "--json");
      assertThat(KvJson.parse(json.stdout()).path("locations").path("B").asInt()).isEqualTo(1);

      CliHarness.Run flush = cli.root("consistency", "flush");
      assertThat(flush.code()).as(flush.toString()).isZero();
      assertThat(flush.out())
          .isEqualTo(
              "Flushed 1 cached reads and 1 recent writes: every location now reads the latest"
                  + " values.\n");
      assertThat(cli.root("consistency").out()).contains("locations:      none has read yet");
    }
  }

  @Test
  void onAStrongServerSaysHowToTurnTheModeOn() {
    try (TestServer server = start(data, Modes.OFF)) {
      CliHarness cli = new CliHarness(server, cwd);
      for (CliHarness.Run run :
          List.of(cli.root("consistency"), cli.root("consistency", "flush"))) {
        assertThat(run.code()).isNotZero();
        assertThat(run.err()).contains("start flarekv with --consistency eventual");
      }
    }
  }

  /** A binding request for key {@code session} at a location; its status. */
  private static int bind(TestServer server, String ns, String location, String method, String v) {
    return server
        .binding(
            method,
            "/session?urlencoded=true",
            v == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(v),
            "Authorization",
            "Bearer " + TestServer.TOKEN,
            "X-Flarekv-Namespace",
            ns,
            "X-Flarekv-Location",
            location)
        .status();
  }
}
