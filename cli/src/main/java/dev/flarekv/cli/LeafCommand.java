package dev.flarekv.cli;

import dev.flarekv.protocol.client.ControlClient;
import dev.flarekv.protocol.client.KvClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every leaf command has: the shared connection flags, the injected {@link CliIo} and the
 * picocli writers. Subclasses implement {@link #run()} and return normally on success; failures are
 * exceptions that {@link KvExitCodes} turns into one line and an exit code.
 */
abstract class LeafCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ConnectionOptions connection;

  /** Set by {@link CliFactory} right after the command is made, before picocli fills options. */
  CliIo io;

  @Override
  public final Integer call() throws Exception {
    connection.checkRemote();
    run();
    out().flush();
    err().flush();
    return KvExitCodes.SUCCESS;
  }

  abstract void run() throws Exception;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /**
   * The namespace {@code namespace} names, looking a {@code --binding} up in the wrangler config.
   *
   * @param previewDefaultsFalse whether an absent {@code --preview} means the production id
   */
  NamespaceOptions.Target target(NamespaceOptions namespace, boolean previewDefaultsFalse) {
    return namespace.resolve(connection.config(io), previewDefaultsFalse);
  }

  KvClient client() {
    return connection.client(io);
  }

  /** The server's emulator controls ({@code /flarekv/v1/}). */
  ControlClient controls() {
    return connection.controls(io);
  }
}
