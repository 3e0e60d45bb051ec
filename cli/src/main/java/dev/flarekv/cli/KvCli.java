package dev.flarekv.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code flarekv kv}: wrangler's {@code kv namespace|key|bulk} commands against a flarekv server,
 * over HTTP only (through {@link dev.flarekv.protocol.client.KvClient}).
 */
@Command(
    name = "kv",
    mixinStandardHelpOptions = true,
    versionProvider = KvCli.Version.class,
    description = "Manage Workers KV namespaces and keys on a flarekv server, like `wrangler kv`.",
    subcommands = {
      NamespaceCommand.class,
      KeyCommand.class,
      BulkCommand.class,
      PullCommand.class,
      PushCommand.class,
      CommandLine.HelpCommand.class
    })
public final class KvCli implements Runnable {
  /** The colon spellings wrangler v1-v3 had, mapped to their {@code kv} subcommand. */
  static final Map<String, Class<?>> COLON_ALIASES =
      Map.of(
          "kv:namespace", NamespaceCommand.class,
          "kv:key", KeyCommand.class,
          "kv:bulk", BulkCommand.class);

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * A stand-alone {@code kv} command line over {@code io}: its {@code getOut()} writes UTF-8 to
   * {@link CliIo#stdout()}, and failures go through {@link KvExitCodes}.
   */
  public static CommandLine commandLine(CliIo io) {
    CommandLine cmd = new CommandLine(new KvCli(), new CliFactory(io));
    cmd.setOut(writer(io));
    configure(cmd);
    return cmd;
  }

  /**
   * Adds {@code kv}, the hidden colon aliases ({@code kv:namespace}, {@code kv:key}, {@code
   * kv:bulk}), {@code export} / {@code import} and the emulator controls ({@code modes}, ...) to
   * another command line (the {@code flarekv} root), applies {@link KvExitCodes} to the whole tree
   * and points {@code getOut()} at {@link CliIo#stdout()}.
   */
  public static void install(CommandLine root, CliIo io) {
    CliFactory factory = new CliFactory(io);
    root.addSubcommand("kv", new CommandLine(new KvCli(), factory));
    for (Map.Entry<String, Class<?>> alias : new java.util.TreeMap<>(COLON_ALIASES).entrySet()) {
      CommandLine sub = new CommandLine(alias.getValue(), factory);
      sub.setCommandName(alias.getKey());
      sub.getCommandSpec().usageMessage().hidden(true);
      root.addSubcommand(alias.getKey(), sub);
    }
    root.addSubcommand("export", new CommandLine(ExportCommand.class, factory));
    root.addSubcommand("import", new CommandLine(ImportCommand.class, factory));
    // the emulator controls (docs/modes.md)
    root.addSubcommand("modes", new CommandLine(ModesCommand.class, factory));
    root.addSubcommand("faults", new CommandLine(FaultsCommand.class, factory));
    root.addSubcommand("consistency", new CommandLine(ConsistencyCommand.class, factory));
    root.addSubcommand("usage", new CommandLine(UsageCommand.class, factory));
    root.addSubcommand("seed", new CommandLine(SeedCommand.class, factory));
    root.addSubcommand("reset", new CommandLine(ResetCommand.class, factory));
    CommandLine clock = new CommandLine(ClockCommand.class, factory);
    // `clock advance -5m` is a duration to refuse with its reason, not an unknown option
    clock.getSubcommands().get("advance").setUnmatchedOptionsArePositionalParams(true);
    root.addSubcommand("clock", clock);
    root.setOut(writer(io));
    configure(root);
  }

  private static void configure(CommandLine cmd) {
    KvExitCodes codes = new KvExitCodes();
    cmd.setExecutionExceptionHandler(codes);
    cmd.setExitCodeExceptionMapper(codes);
    cmd.setParameterExceptionHandler(codes);
  }

  private static PrintWriter writer(CliIo io) {
    return new PrintWriter(new OutputStreamWriter(io.stdout(), StandardCharsets.UTF_8), true);
  }

  public static void main(String[] args) {
    System.exit(commandLine(CliIo.system()).execute(args));
  }

  /** Reports the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = KvCli.class.getPackage().getImplementationVersion();
      return new String[] {"flarekv " + (v == null ? "development build" : v)};
    }
  }
}
