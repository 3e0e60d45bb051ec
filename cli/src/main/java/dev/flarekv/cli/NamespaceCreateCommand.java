package dev.flarekv.cli;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.model.Namespace;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kv namespace create <namespace> [--preview]}: prints the id and a config snippet. */
@Command(name = "create", mixinStandardHelpOptions = true, description = "Create a new namespace.")
final class NamespaceCreateCommand extends LeafCommand {
  @Parameters(
      index = "0",
      paramLabel = "<namespace>",
      description = "The name of the new namespace.")
  String namespace;

  @Option(
      names = "--preview",
      description = "Interact with a preview namespace (the title gets the suffix _preview).")
  boolean preview;

  @Option(
      names = "--binding",
      paramLabel = "<name>",
      description = "The binding name to use in the printed snippet.")
  String binding;

  @Override
  void run() {
    String title = namespace + (preview ? "_preview" : "");
    var client = client();
    out().println("\uD83C\uDF00 Creating namespace with title \"" + title + "\"");
    Namespace created;
    try {
      created = client.createNamespace(title);
    } catch (KvException e) {
      throw duplicateTitleOr(e, title);
    }
    out().println("\u2728 Success!");
    String name = binding != null ? binding : bindingName(namespace);
    printSnippet(out(), connection.config(io), name, preview ? "preview_id" : "id", created.id());
  }

  /** wrangler's words for a title the account already has (code 10014), else {@code e} itself. */
  static RuntimeException duplicateTitleOr(KvException e, String title) {
    if (e.errorCode() != ErrorCode.DUPLICATE_TITLE) {
      return e;
    }
    return new UserError(
        "A KV namespace with the title \""
            + title
            + "\" already exists. You can list existing namespaces with their IDs by running:"
            + " flarekv kv namespace list. Or choose a different namespace name.");
  }

  /**
   * Prints wrangler's "add the following snippet" lines for a new namespace, in TOML unless the
   * project's wrangler config is JSON.
   */
  static void printSnippet(
      PrintWriter out, Optional<WranglerConfig> config, String name, String idField, String id) {
    out.println(
        "To access your new KV Namespace in your Worker, add the following snippet to your"
            + " configuration file:");
    boolean toml = config.map(c -> WranglerConfig.isToml(c.path())).orElse(true);
    if (toml) {
      out.println("[[kv_namespaces]]");
      out.println("binding = \"" + name + "\"");
      out.println(idField + " = \"" + id + "\"");
    } else {
      out.println("{");
      out.println("  \"kv_namespaces\": [");
      out.println("    {");
      out.println("      \"binding\": \"" + name + "\",");
      out.println("      \"" + idField + "\": \"" + id + "\"");
      out.println("    }");
      out.println("  ]");
      out.println("}");
    }
  }

  /** wrangler's {@code getValidBindingName(name, "KV")}. */
  static String bindingName(String name) {
    String s = name.replaceAll("[\\s-]", "_").replaceAll("[^a-zA-Z0-9_]", "").replaceAll("_+", "_");
    if (!s.isEmpty() && Character.isDigit(s.charAt(0))) {
      s = "_" + s;
    }
    return s.isEmpty() || s.matches("_+") ? "KV" : s;
  }
}
