package dev.flarekv.app;

import dev.flarekv.cli.CliIo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs {@code flarekv serve} in the test JVM on ephemeral ports with a data dir under {@code dir},
 * for a start that is expected to be refused: its exit code and its stderr, stripped.
 */
record RefusedServe(int code, String err) {
  static RefusedServe run(Path dir, Path dataDir, String... flags) {
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
    List<String> args =
        new ArrayList<>(
            List.of(
                "serve", "--port", "0", "--binding-port", "0", "--data-dir", dataDir.toString()));
    args.addAll(List.of(flags));
    int code = cmd.execute(args.toArray(String[]::new));
    return new RefusedServe(code, err.toString().strip());
  }
}
