package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.client.KvClient;
import dev.flarekv.protocol.json.KvJson;
import java.io.IOException;
import picocli.CommandLine.Command;

/**
 * {@code kv bulk get <file.json>}: prints {@code {"key": value-or-null, ...}} for the keys in the
 * file, then {@code Success!}. Asks the server {@value #BATCH} keys at a time (its limit per
 * request) and merges the answers.
 */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = {
      "Gets multiple key-value pairs from a namespace.",
      "The file is a JSON array of key names or of objects with a \"name\"."
    })
final class BulkGetCommand extends BulkKeysCommand {
  static final int BATCH = 100;

  BulkGetCommand() {
    super(true);
  }

  @Override
  void run(NamespaceOptions.Target target, BulkKeys keys) throws IOException {
    keys.validate();
    KvClient client = client();
    ObjectNode values = KvJson.mapper().createObjectNode();
    keys.batches(
        BATCH,
        batch -> {
          JsonNode result = client.bulkGet(target.id(), batch, null, false);
          result.path("values").properties().forEach(e -> values.set(e.getKey(), e.getValue()));
        });
    out().println(JsJson.pretty(values));
    out().println();
    out().println("Success!");
  }
}
