package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.client.KvClient;
import dev.flarekv.protocol.json.KvJson;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

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
final class BulkGetCommand extends LeafCommand {
  static final int BATCH = 100;

  @Parameters(
      index = "0",
      paramLabel = "<filename>",
      description = "The file containing the keys to get.")
  Path filename;

  @Mixin NamespaceOptions namespace;

  BulkGetCommand(CliIo io) {
    super(io);
  }

  @Override
  void run() throws IOException {
    NamespaceOptions.Target target = target(namespace, true);
    BulkKeys keys = BulkKeys.open(io, filename);
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
