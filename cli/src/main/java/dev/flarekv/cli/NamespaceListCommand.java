package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.flarekv.protocol.client.KvClient;
import picocli.CommandLine.Command;

/**
 * {@code kv namespace list}: every namespace of the account as a JSON array, sorted by title, the
 * items exactly as the server returns them. Written page by page.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "Output a list of all KV namespaces associated with your account id.")
final class NamespaceListCommand extends LeafCommand {
  static final int PAGE_SIZE = 1000;

  @Override
  void run() {
    KvClient client = client();
    // the first page is fetched before anything is printed, so a failure prints no partial JSON
    ArrayNode page = client.listNamespacesRaw(1, PAGE_SIZE, "title", "asc");
    JsJson.ArrayWriter array = new JsJson.ArrayWriter(out());
    for (int n = 1; ; ) {
      for (JsonNode item : page) {
        array.add(item);
      }
      array.flush();
      if (page.size() < PAGE_SIZE) {
        break;
      }
      n++;
      page = client.listNamespacesRaw(n, PAGE_SIZE, "title", "asc");
    }
    array.finish();
  }
}
