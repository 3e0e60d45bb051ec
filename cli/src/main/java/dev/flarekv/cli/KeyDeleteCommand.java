package dev.flarekv.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code kv key delete <key>}: removes one key (succeeds whether or not it existed). */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = "Remove a single key value pair from the given namespace.")
final class KeyDeleteCommand extends LeafCommand {
  @Parameters(index = "0", paramLabel = "<key>", description = "The key value to delete.")
  String key;

  @Mixin NamespaceOptions namespace;

  @Override
  void run() {
    NamespaceOptions.Target target = target(namespace, false);
    var client = client();
    out().println("Deleting the key \"" + key + "\" on namespace " + target.displayName() + ".");
    client.deleteValue(target.id(), key);
  }
}
