package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.client.KvClient;
import dev.flarekv.protocol.json.KvJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code kv bulk put <file.json>}: writes a JSON array of {@code {key, value, expiration?,
 * expiration_ttl?, metadata?, base64?}} in requests of {@value #BATCH} items.
 *
 * <p>The file is read twice with a streaming parser: first to validate every item (so an invalid
 * file writes nothing, as with wrangler), then to send the batches. Only one batch is in memory.
 */
@Command(
    name = "put",
    mixinStandardHelpOptions = true,
    description = {
      "Upload multiple key-value pairs to a namespace.",
      "The file is a JSON array of {\"key\": string, \"value\": string, \"expiration\"?: number,"
          + " \"expiration_ttl\"?: number, \"metadata\"?: object, \"base64\"?: boolean}."
    })
class BulkPutCommand extends LeafCommand {
  /** Items per request, wrangler's {@code BATCH_KEY_MAX}. */
  static final int BATCH = 1000;

  private static final Set<String> KNOWN =
      Set.of("key", "value", "expiration", "expiration_ttl", "metadata", "base64");

  @Parameters(
      index = "0",
      paramLabel = "<filename>",
      description = "The file containing the key/value pairs to write.")
  Path filename;

  @Mixin NamespaceOptions namespace;

  @Override
  void run() throws IOException {
    NamespaceOptions.Target target = target(namespace, false);
    BulkFile file = BulkFile.open(io, filename, "an array of key-value objects");
    List<String> warnings = new ArrayList<>();
    BulkFile.Checked checked =
        file.check(
            (index, item) -> {
              if (!acceptsItem(item)) {
                return "The item at index " + index + " is " + JsonArrayFile.describe(item);
              }
              List<String> unexpected = new ArrayList<>();
              item.fieldNames()
                  .forEachRemaining(
                      f -> {
                        if (!KNOWN.contains(f)) {
                          unexpected.add("\"" + f + "\"");
                        }
                      });
              if (!unexpected.isEmpty()) {
                JsonArrayFile.report(
                    warnings,
                    "The item at index "
                        + index
                        + " contains unexpected properties: ["
                        + String.join(",", unexpected)
                        + "].");
              }
              return null;
            });
    if (!warnings.isEmpty()) {
      err()
          .println(
              "\u25B2 [WARNING] Unexpected key-value properties in \""
                  + file.name()
                  + "\": "
                  + String.join(" ", warnings));
    }
    long total =
        checked.orThrow(
            "Each item in the array should be an object that matches {key: string, value:"
                + " string, expiration?: number, expiration_ttl?: number, metadata?: "
                + metadataShape()
                + ", base64?: boolean}.");
    KvClient client = client();
    Progress progress = new Progress(total);
    long[] sent = {0};
    file.batches(
        BATCH,
        item -> skip(item) ? null : item,
        batch -> send(client, target.id(), batch, progress, sent));
    progress.done();
    finished(target, sent[0]);
  }

  /** Whether to leave an (already validated) item out of the upload; {@code import} does. */
  boolean skip(JsonNode item) {
    return false;
  }

  /** Reports success after {@code sent} items were written. */
  void finished(NamespaceOptions.Target target, long sent) {
    out().println("Success!");
  }

  private void send(
      KvClient client, String namespaceId, List<JsonNode> batch, Progress progress, long[] sent) {
    JsonNode result = client.bulkPut(namespaceId, KvJson.mapper().createArrayNode().addAll(batch));
    sent[0] += batch.size();
    JsonNode unsuccessful = result.path("unsuccessful_keys");
    if (unsuccessful.isArray() && !unsuccessful.isEmpty()) {
      progress.interrupt();
      err()
          .println(
              "\u25B2 [WARNING] the server did not write "
                  + unsuccessful.size()
                  + " key(s): "
                  + JsonArrayFile.describe(unsuccessful));
    }
    progress.show(sent[0]);
  }

  /** What {@link #acceptsItem} takes as metadata, for the error message. */
  String metadataShape() {
    return "object";
  }

  /** Whether an item of the file is one to write: wrangler's check, for {@code kv bulk put}. */
  boolean acceptsItem(JsonNode item) {
    return isKeyValue(item, false);
  }

  /**
   * wrangler's {@code isKVKeyValue}; with {@code anyMetadata}, metadata may also be a bare string,
   * number or boolean, as the API accepts (docs/kv-semantics.md M1) and {@code flarekv export}
   * writes.
   */
  static boolean isKeyValue(JsonNode item, boolean anyMetadata) {
    if (!item.isObject() || !item.path("key").isTextual() || !item.path("value").isTextual()) {
      return false;
    }
    return optional(item, "expiration", JsonNode::isNumber)
        && optional(item, "expiration_ttl", JsonNode::isNumber)
        && optional(item, "base64", JsonNode::isBoolean)
        // typeof null and arrays are "object" in JavaScript
        && optional(
            item, "metadata", n -> anyMetadata || n.isObject() || n.isArray() || n.isNull());
  }

  private static boolean optional(
      JsonNode item, String field, java.util.function.Predicate<JsonNode> ok) {
    return !item.has(field) || ok.test(item.get(field));
  }

  /** A progress bar on stderr, drawn only when stderr is a terminal. */
  private final class Progress {
    private final long total;
    private boolean drawn;

    Progress(long total) {
      this.total = total;
    }

    void show(long done) {
      if (!io.terminal() || total <= BATCH) {
        return;
      }
      int percent = (int) (100 * done / total);
      int filled = percent / 5;
      err()
          .print(
              "\r["
                  + "#".repeat(filled)
                  + "-".repeat(20 - filled)
                  + "] "
                  + String.format(
                      Locale.ROOT, "Uploaded %d%% (%,d out of %,d)", percent, done, total));
      err().flush();
      drawn = true;
    }

    /** Ends the bar's line before another message. */
    void interrupt() {
      if (drawn) {
        err().println();
        drawn = false;
      }
    }

    void done() {
      interrupt();
    }
  }
}
