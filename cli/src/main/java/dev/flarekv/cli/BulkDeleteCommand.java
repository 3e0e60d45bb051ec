package dev.flarekv.cli;

import dev.flarekv.protocol.client.KvClient;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kv bulk delete <file.json>}: deletes the keys named in the file, {@value #BATCH} per
 * request, after a confirmation (skipped with {@code -f}/{@code --force} or {@code -y}).
 */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = {
      "Delete multiple key-value pairs from a namespace.",
      "The file is a JSON array of key names or of objects with a \"name\"."
    })
final class BulkDeleteCommand extends BulkKeysCommand {
  static final int BATCH = 1000;

  @Option(
      names = {"-f", "--force", "-y", "--skip-confirmation"},
      description = "Do not ask for confirmation before deleting.")
  boolean force;

  BulkDeleteCommand() {
    super(false);
  }

  @Override
  void run(NamespaceOptions.Target target, BulkKeys keys) throws IOException {
    String name = keys.name();
    KvClient client = client();
    if (!force
        && !Prompt.confirm(
            io,
            out(),
            "Are you sure you want to delete all the keys read from \""
                + name
                + "\" from kv-namespace "
                + target.displayName()
                + "?")) {
      out().println("Not deleting keys read from \"" + name + "\".");
      return;
    }
    keys.validate();
    keys.batches(BATCH, batch -> client.bulkDelete(target.id(), batch));
    out().println("Success!");
  }
}
