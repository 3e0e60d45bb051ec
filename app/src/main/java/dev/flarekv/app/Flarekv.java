package dev.flarekv.app;

import dev.flarekv.cli.CliIo;
import dev.flarekv.cli.KvCli;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code flarekv} command: {@code serve} runs the server, {@code backup} copies a data dir,
 * {@code kv} (and the colon aliases {@code kv:namespace}, {@code kv:key}, {@code kv:bulk})
 * administers one over HTTP, {@code generate-completion} prints a bash/zsh completion script. This
 * module only assembles the command tree, so that {@code cli} never depends on {@code server} or
 * {@code storage}.
 */
@Command(
    name = "flarekv",
    mixinStandardHelpOptions = true,
    versionProvider = Flarekv.Version.class,
    description = "A self-hosted key-value server that speaks Cloudflare Workers KV.",
    subcommands = {
      ServeCommand.class,
      BackupCommand.class,
      AutoComplete.GenerateCompletion.class,
      CommandLine.HelpCommand.class
    })
public final class Flarekv implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The command line with flarekv's error handling: one line on stderr, no stack trace. */
  public static CommandLine commandLine() {
    return commandLine(CliIo.system());
  }

  /** As {@link #commandLine()} with the given streams, environment and working directory. */
  public static CommandLine commandLine(CliIo io) {
    CommandLine cmd = new CommandLine(new Flarekv());
    // picocli hides generate-completion by default; list it in flarekv --help
    cmd.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
    KvCli.install(cmd, io);
    return cmd;
  }

  public static void main(String[] args) {
    // owner-only files (data dir, WAL, SST, backups, exports): see docs/reliability.md
    PrivateUmask.apply();
    int code = commandLine().execute(args);
    if (code != 0 || args.length == 0 || !args[0].equals("serve")) {
      System.exit(code);
    }
  }

  /** Reports the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Flarekv.class.getPackage().getImplementationVersion();
      return new String[] {"flarekv " + (v == null ? "development build" : v)};
    }
  }
}
