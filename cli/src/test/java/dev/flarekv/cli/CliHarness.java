package dev.flarekv.cli;

import dev.flarekv.server.testkit.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * Runs {@code kv} command lines in the test JVM against a {@link TestServer}, capturing stdout as
 * bytes and stderr as text. The default environment points at the server the way wrangler's would:
 * {@code CLOUDFLARE_API_BASE_URL}, {@code CLOUDFLARE_API_TOKEN}, {@code CLOUDFLARE_ACCOUNT_ID}.
 */
final class CliHarness {
  final TestServer server;
  final Path cwd;
  private final Map<String, String> env = new HashMap<>();
  private String stdin = "";
  private boolean terminal;

  CliHarness(TestServer server, Path cwd) {
    this.server = server;
    this.cwd = cwd;
    env.put("CLOUDFLARE_API_BASE_URL", server.origin() + "/client/v4");
    env.put("CLOUDFLARE_API_TOKEN", TestServer.TOKEN);
    env.put("CLOUDFLARE_ACCOUNT_ID", TestServer.ACCOUNT);
  }

  /** Sets ({@code value != null}) or removes an environment variable for later runs. */
  CliHarness env(String name, String value) {
    if (value == null) {
      env.remove(name);
    } else {
      env.put(name, value);
    }
    return this;
  }

  CliHarness stdin(String text) {
    this.stdin = text;
    return this;
  }

  CliHarness terminal(boolean terminal) {
    this.terminal = terminal;
    return this;
  }

  /** {@code flarekv kv <args>}. */
  Run kv(String... args) {
    return run(cwd, KvCli::commandLine, args);
  }

  /** {@code kv} in another working directory. */
  Run kvIn(Path dir, String... args) {
    return run(dir, KvCli::commandLine, args);
  }

  /** A root command with {@code kv} and the colon aliases installed, as {@code flarekv} has. */
  Run root(String... args) {
    return run(
        cwd,
        io -> {
          CommandLine root = new CommandLine(new TestRoot());
          KvCli.install(root, io);
          return root;
        },
        args);
  }

  private Run run(Path dir, Function<CliIo, CommandLine> build, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    CliIo io =
        new CliIo(
            out,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            env,
            dir,
            terminal);
    CommandLine cmd = build.apply(io);
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    cmd.getOut().flush();
    return new Run(code, out.toByteArray(), err.toString());
  }

  /** The result of one command line. */
  record Run(int code, byte[] stdout, String err) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out() + "--- stderr\n" + err;
    }
  }

  @CommandLine.Command(
      name = "flarekv",
      subcommands = {picocli.AutoComplete.GenerateCompletion.class, CommandLine.HelpCommand.class})
  static final class TestRoot implements Runnable {
    @Override
    public void run() {}
  }
}
