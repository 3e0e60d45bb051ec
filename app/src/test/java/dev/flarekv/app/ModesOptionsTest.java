package dev.flarekv.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.server.ServerConfig;
import dev.flarekv.server.modes.Modes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The realism flags of {@code flarekv serve}, on the command line and in the config file. */
class ModesOptionsTest {
  @TempDir Path dir;

  private static ServerConfig parse(String... args) throws Exception {
    CommandLine cl = new CommandLine(new ServeCommand());
    cl.parseArgs(args);
    return ((ServeCommand) cl.getCommand()).effective().serverConfig();
  }

  @Test
  void everyModeIsOffByDefault() throws Exception {
    assertThat(parse().modes()).isEqualTo(Modes.OFF);
  }

  @Test
  void flagsNameTheModesInLowerCase() throws Exception {
    Modes modes =
        parse(
                "--clock",
                "manual",
                "--limits",
                "FREE",
                "--consistency",
                "eventual",
                "--random-seed",
                "7",
                "--faults",
                "rules.json")
            .modes();
    assertThat(modes.clock()).isEqualTo(Modes.Clock.MANUAL);
    assertThat(modes.limits()).isEqualTo(Modes.Limits.FREE);
    assertThat(modes.consistency()).isEqualTo(Modes.Consistency.EVENTUAL);
    assertThat(modes.randomSeed().getAsLong()).isEqualTo(7);
    assertThat(modes.faultsFile()).isEqualTo(Path.of("rules.json"));
  }

  @Test
  void anUnknownModeNamesTheAcceptedOnes() {
    assertThatThrownBy(() -> parse("--limits", "enterprise"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("'enterprise' is not one of off, free, paid");
    assertThatThrownBy(() -> parse("--clock", "fast"))
        .hasMessageContaining("is not one of system, manual");
  }

  @Test
  void theConfigFileTakesTheSameNames() throws Exception {
    Path file = dir.resolve("flarekv.properties");
    Files.writeString(file, "limits=paid\nclock=manual\n", StandardCharsets.UTF_8);
    Modes modes = parse("--config", file.toString()).modes();
    assertThat(modes.limits()).isEqualTo(Modes.Limits.PAID);
    assertThat(modes.clock()).isEqualTo(Modes.Clock.MANUAL);
  }
}
