package dev.flarekv.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code flarekv kv key} (alias {@code flarekv kv:key}): prints its usage when run alone. */
@Command(
    name = "key",
    mixinStandardHelpOptions = true,
    description = "Manage single key-value pairs of a namespace.",
    subcommands = {
      KeyPutCommand.class,
      KeyListCommand.class,
      KeyGetCommand.class,
      KeyDeleteCommand.class
    })
final class KeyCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
