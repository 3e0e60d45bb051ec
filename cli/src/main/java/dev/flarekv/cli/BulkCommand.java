package dev.flarekv.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code flarekv kv bulk} (alias {@code flarekv kv:bulk}): prints its usage when run alone. */
@Command(
    name = "bulk",
    mixinStandardHelpOptions = true,
    description = "Read, write and delete many key-value pairs at once.",
    subcommands = {BulkGetCommand.class, BulkPutCommand.class, BulkDeleteCommand.class})
final class BulkCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
