package dev.flarekv.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.cli.CliIo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code flarekv serve --faults FILE} refuses a bad file with one line naming it and the rule. */
class FaultsFileStartupTest {
  @TempDir Path dir;

  @Test
  void aMalformedRuleFailsTheStartWithFileAndRule_beforeTheStoreOpens() throws Exception {
    Path faults = dir.resolve("faults.json");
    Files.writeString(
        faults, "[{\"status\":503,\"ops\":[\"get\"]},\n {\"status\":503,\"probability\":1.5}]");
    StringWriter err = new StringWriter();
    CommandLine cmd =
        Flarekv.commandLine(
            new CliIo(
                new ByteArrayOutputStream(),
                new ByteArrayInputStream(new byte[0]),
                Map.of(),
                dir,
                false));
    cmd.setErr(new PrintWriter(err, true));
    Path data = dir.resolve("data");
    int code =
        cmd.execute(
            "serve",
            "--port",
            "0",
            "--binding-port",
            "0",
            "--data-dir",
            data.toString(),
            "--faults",
            faults.toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo(
            "flarekv: faults file "
                + faults
                + " rule 2: probability must be a number from 0 to 1, got 1.5");
    assertThat(Files.exists(data.resolve("CURRENT"))).isFalse();
  }
}
