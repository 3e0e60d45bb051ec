package dev.flarekv.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code flarekv kv namespace} (alias {@code flarekv kv:namespace}): prints its usage when run
 * alone.
 */
@Command(
    name = "namespace",
    mixinStandardHelpOptions = true,
    description = "Manage Workers KV namespaces.",
    subcommands = {
      NamespaceCreateCommand.class,
      NamespaceListCommand.class,
      NamespaceDeleteCommand.class,
      NamespaceRenameCommand.class,
      NamespaceForkCommand.class
    })
final class NamespaceCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
