package dev.flarekv.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What the {@code kv} commands touch outside picocli's writers: the raw stdout byte stream (for
 * {@code kv key get}, which must stay binary-safe), stdin (confirmation prompts), the environment
 * (connection defaults), the working directory (where {@code wrangler.toml} is looked up) and
 * whether stderr is a terminal (progress bars). Tests pass their own; {@link #system()} is the real
 * process.
 *
 * <p>Text output still goes through {@code spec.commandLine().getOut()/getErr()}; the command line
 * built by {@link KvCli#commandLine(CliIo)} writes its {@code getOut()} to the same {@link #stdout}
 * so text and bytes interleave in order.
 *
 * @param stdout raw standard output
 * @param stdin standard input
 * @param env environment variables
 * @param cwd the working directory, absolute
 * @param terminal whether stderr is an interactive terminal
 */
public record CliIo(
    OutputStream stdout, InputStream stdin, Map<String, String> env, Path cwd, boolean terminal) {
  public CliIo {
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stdin, "stdin");
    env = Map.copyOf(env);
    cwd = cwd.toAbsolutePath().normalize();
  }

  /** The real process: {@code System.out}, {@code System.in}, {@code System.getenv()}. */
  public static CliIo system() {
    return new CliIo(
        System.out,
        System.in,
        System.getenv(),
        Path.of("").toAbsolutePath(),
        System.console() != null);
  }

  /** An environment variable, or null when unset or empty. */
  String env(String name) {
    String v = env.get(name);
    return v == null || v.isEmpty() ? null : v;
  }
}
