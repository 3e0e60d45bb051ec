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

/**
 * {@code flarekv serve --seed FILE} refuses a bad seed with one line naming file, item and rule.
 */
class SeedFileStartupTest {
  @TempDir Path dir;

  @Test
  void aBadItemFailsTheStartWithFileItemAndRule_beforeTheStoreOpens() throws Exception {
    Path seed = dir.resolve("seed.json");
    Files.writeString(
        seed,
        "{\"namespaces\":[{\"title\":\"CACHE_KV\",\"keys\":[{\"key\":\"a\",\"value\":\"1\"},"
            + "{\"key\":\"b\",\"value\":2}]}]}");
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
            "--seed",
            seed.toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo(
            "flarekv: Bad seed: "
                + seed
                + ": namespace 0 \"CACHE_KV\": item 1: value of \"b\" must be a string");
    assertThat(Files.exists(data.resolve("CURRENT"))).isFalse();
  }
}
