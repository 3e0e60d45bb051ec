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

/** {@code flarekv serve --tokens-file} refuses a malformed file with one line naming it. */
class TokensFileStartupTest {
  @TempDir Path dir;

  @Test
  void malformedLine_failsStartWithFileAndLine_andNoToken() throws Exception {
    Path tokens = dir.resolve("tokens.txt");
    Files.writeString(tokens, "# ok\ngood-token acct-a\nsecret-token-xyz acct-a bad\n");
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
    int code =
        cmd.execute(
            "serve",
            "--port",
            "0",
            "--binding-port",
            "0",
            "--data-dir",
            dir.resolve("data").toString(),
            "--tokens-file",
            tokens.toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo(
            "flarekv: tokens file "
                + tokens
                + " line 3: expected '<token> <account-id>[,<account-id>...]' (2 fields), found 3");
    assertThat(Files.exists(dir.resolve("data"))).isFalse();
  }
}
