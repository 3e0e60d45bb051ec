package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The key files of {@code bulk get} and {@code bulk delete}: a JSON array of key names or of
 * objects with a {@code name}, read in batches.
 */
final class BulkKeys {
  private final BulkFile file;

  private BulkKeys(BulkFile file) {
    this.file = file;
  }

  /** The key file {@code filename} names, relative to the working directory of {@code io}. */
  static BulkKeys open(CliIo io, Path filename) {
    return new BulkKeys(BulkFile.open(io, filename, "an array of strings"));
  }

  /** The file name as the user gave it, for messages. */
  String name() {
    return file.name();
  }

  /** Checks every item (wrangler's messages); returns the number of keys. */
  long validate() throws IOException {
    return file.check(
            (index, item) ->
                keyOf(item) != null
                    ? null
                    : "The item at index "
                        + index
                        + " is type: \""
                        + JsonArrayFile.typeOf(item)
                        + "\" - "
                        + JsonArrayFile.describe(item))
        .orThrow("Expected an array of strings or objects with a \"name\" key.");
  }

  /**
   * Calls {@code handler} with consecutive batches of at most {@code size} keys; only after {@link
   * #validate}.
   */
  void batches(int size, Consumer<List<String>> handler) throws IOException {
    file.batches(size, BulkKeys::keyOf, handler);
  }

  private static String keyOf(JsonNode item) {
    if (item.isTextual()) {
      return item.textValue();
    }
    JsonNode name = item.path("name");
    return item.isObject() && name.isTextual() ? name.textValue() : null;
  }
}
