package dev.flarekv.cli;

import dev.flarekv.protocol.client.KvClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code kv namespace delete [namespace] | --binding | --namespace-id}: deletes a namespace and all
 * its keys after a confirmation (skipped with {@code -y}).
 */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = {
      "Delete a given namespace and all its keys.",
      "Name it by exactly one of: its title (positional), --binding or --namespace-id."
    })
final class NamespaceDeleteCommand extends LeafCommand {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "<namespace>",
      description = "The name (title) of the namespace to delete.")
  String namespace;

  @Option(
      names = "--binding",
      paramLabel = "<name>",
      description = "The binding name to the namespace to delete from.")
  String binding;

  @Option(
      names = "--namespace-id",
      paramLabel = "<id>",
      description = "The id of the namespace to delete.")
  String namespaceId;

  @Option(
      names = "--preview",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "<true|false>",
      description = "With --binding: use the binding's preview_id.")
  Boolean preview;

  @Option(
      names = {"-y", "--skip-confirmation"},
      description = "Skip confirmation.")
  boolean skipConfirmation;

  @Override
  void run() {
    int given =
        (namespace != null ? 1 : 0) + (binding != null ? 1 : 0) + (namespaceId != null ? 1 : 0);
    if (given == 0) {
      throw new ParameterException(
          spec.commandLine(),
          "Must specify one of: namespace name (as positional argument), --binding, or"
              + " --namespace-id");
    }
    if (given > 1) {
      throw new ParameterException(
          spec.commandLine(),
          "Cannot specify multiple of: namespace name (as positional argument), --binding, or"
              + " --namespace-id. Use only one.");
    }
    KvClient client = client();
    NamespaceOptions.Target target;
    try {
      target = resolve(client);
    } catch (UserError e) {
      throw new UserError("Not able to delete namespace. " + e.getMessage());
    }
    out().println("About to delete remote KV namespace " + target.displayName() + ".");
    out()
        .println(
            "This action is irreversible and will permanently delete all data in the KV"
                + " namespace.");
    out().println();
    if (!skipConfirmation && !Prompt.confirm(io, out(), "Ok to proceed?")) {
      out().println("Not deleting.");
      return;
    }
    out().println("Deleting KV namespace " + target.displayName() + ".");
    client.deleteNamespace(target.id());
    out().println("Deleted KV namespace " + target.displayName() + ".");
  }

  private NamespaceOptions.Target resolve(KvClient client) {
    if (namespaceId != null) {
      return new NamespaceOptions.Target(namespaceId, "id: \"" + namespaceId + "\"");
    }
    if (binding != null) {
      return NamespaceOptions.byBinding(binding, preview, connection.config(io));
    }
    String id =
        NamespaceLookup.requireIdByTitle(
            client, namespace, "Use --namespace-id or --binding instead, or");
    return new NamespaceOptions.Target(id, "name: \"" + namespace + "\" (id: \"" + id + "\")");
  }
}
