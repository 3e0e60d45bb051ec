package dev.flarekv.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.client.KeyListPage;
import dev.flarekv.protocol.client.KvClient;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.KvEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kv key list [--prefix p]}: every key as one JSON array of {@code {name, expiration?,
 * metadata?}}, following cursors; each page is written as it arrives, so only one page (at most
 * 1,000 keys) is in memory.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "Output a list of all keys in a given namespace.")
final class KeyListCommand extends LeafCommand {
  @Option(
      names = "--prefix",
      paramLabel = "<prefix>",
      description = "A prefix to filter listed keys.")
  String prefix;

  @Mixin NamespaceOptions namespace;

  @Override
  void run() {
    NamespaceOptions.Target target = target(namespace, true);
    KvClient client = client();
    // the first page is fetched before anything is printed, so a failure prints no partial JSON
    KeyListPage page = client.listKeys(target.id(), prefix, null, null);
    JsJson.ArrayWriter array = new JsJson.ArrayWriter(out());
    while (true) {
      for (KeyInfo key : page.keys()) {
        array.add(item(key));
      }
      array.flush();
      if (!page.hasMore()) {
        break;
      }
      page = client.listKeys(target.id(), prefix, null, page.cursor());
    }
    array.finish();
  }

  static ObjectNode item(KeyInfo key) {
    ObjectNode node = KvJson.mapper().createObjectNode().put("name", key.name());
    if (key.expiration() != KvEntry.NO_EXPIRATION) {
      node.put("expiration", key.expiration());
    }
    if (key.metadata() != null) {
      node.set(
          "metadata",
          KvJson.parse(key.metadata().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    return node;
  }
}
