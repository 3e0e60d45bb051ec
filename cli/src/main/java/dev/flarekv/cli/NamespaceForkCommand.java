package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kv namespace fork --namespace-id SRC --title NEW}: a new namespace holding a copy of every
 * live key of SRC, with metadata and expiration ({@code POST /flarekv/v1/namespaces/SRC/fork}).
 * Prints the new id the way {@code kv namespace create} does.
 */
@Command(
    name = "fork",
    mixinStandardHelpOptions = true,
    description = {
      "Copy a namespace: a new namespace titled --title, in the same account, holding every live"
          + " key of --namespace-id with its metadata and expiration (flarekv only; see"
          + " docs/state.md)."
    })
final class NamespaceForkCommand extends LeafCommand {
  @Option(
      names = "--namespace-id",
      required = true,
      paramLabel = "<id>",
      description = "The id of the namespace to copy.")
  String namespaceId;

  @Option(
      names = "--title",
      required = true,
      paramLabel = "<title>",
      description = "The title of the new namespace.")
  String title;

  @Option(
      names = "--binding",
      paramLabel = "<name>",
      description = "The binding name to use in the printed snippet.")
  String binding;

  @Override
  void run() {
    out()
        .println(
            "\uD83C\uDF00 Forking namespace "
                + namespaceId
                + " into a new namespace with title \""
                + title
                + "\"");
    String path =
        "namespaces/"
            + URLEncoder.encode(namespaceId, StandardCharsets.UTF_8).replace("+", "%20")
            + "/fork";
    JsonNode created;
    try {
      created = controls().post(path, KvJson.mapper().createObjectNode().put("title", title));
    } catch (KvException e) {
      throw NamespaceCreateCommand.duplicateTitleOr(e, title);
    }
    out().println("\u2728 Success!");
    String name = binding != null ? binding : NamespaceCreateCommand.bindingName(title);
    NamespaceCreateCommand.printSnippet(
        out(), connection.config(io), name, "id", created.path("id").asText());
  }
}
