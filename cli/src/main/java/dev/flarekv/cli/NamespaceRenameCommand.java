package dev.flarekv.cli;

import dev.flarekv.protocol.client.KvClient;
import dev.flarekv.protocol.model.Namespace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code kv namespace rename [old-name] | --namespace-id <id>, --new-name <name>}. */
@Command(
    name = "rename",
    mixinStandardHelpOptions = true,
    description = {
      "Rename a KV namespace.",
      "Name it by its current title (positional) or --namespace-id."
    })
final class NamespaceRenameCommand extends LeafCommand {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "<old-name>",
      description = "The current name of the namespace to rename.")
  String oldName;

  @Option(
      names = "--namespace-id",
      paramLabel = "<id>",
      description = "The id of the namespace to rename.")
  String namespaceId;

  @Option(
      names = "--new-name",
      required = true,
      paramLabel = "<name>",
      description = "The new name for the namespace.")
  String newName;

  @Override
  void run() {
    if (oldName != null && namespaceId != null) {
      throw new ParameterException(
          spec.commandLine(),
          "Cannot specify both old-name and --namespace-id. Use either old-name (as first"
              + " argument) or --namespace-id flag, not both.");
    }
    if (oldName == null && namespaceId == null) {
      throw new ParameterException(
          spec.commandLine(),
          "Either old-name (as first argument) or --namespace-id must be specified");
    }
    if (newName.length() > 512) {
      throw new ParameterException(
          spec.commandLine(),
          "new-name must be 512 characters or less (current: " + newName.length() + ")");
    }
    KvClient client = client();
    String id = namespaceId;
    if (id == null) {
      id = NamespaceLookup.requireIdByTitle(client, oldName, "Use --namespace-id instead or");
    }
    out().println("Renaming KV namespace " + id + " to \"" + newName + "\".");
    Namespace renamed = client.renameNamespace(id, newName);
    out().println("\u2728 Successfully renamed namespace to \"" + renamed.title() + "\"");
  }
}
