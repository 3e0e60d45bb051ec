package dev.flarekv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.protocol.json.KvJson;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flarekv modes} against a real server. */
class ModesCommandTest extends CliServerTest {
  @TempDir Path cwd;
  CliHarness cli;

  @BeforeEach
  void setUp() {
    cli = new CliHarness(server, cwd);
  }

  @Test
  void printsTheServersModes() {
    CliHarness.Run run = cli.root("modes");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "clock:       system\n"
                + "limits:      off\n"
                + "consistency: strong\n"
                + "random seed: random\n");
  }

  @Test
  void printsJsonOnRequest() {
    CliHarness.Run run = cli.root("modes", "--json", "--url", server.origin());
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(KvJson.parse(run.stdout()).path("limits").asText()).isEqualTo("off");
  }

  @Test
  void aWrongTokenFailsWithTheServersMessage() {
    CliHarness.Run run = cli.root("modes", "--api-token", "wrong");
    assertThat(run.code()).isNotZero();
    assertThat(run.err()).contains("Authentication error");
  }
}
