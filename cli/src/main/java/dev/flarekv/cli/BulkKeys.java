package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The key files of {@code bulk get} and {@code bulk delete}: a JSON array of key names or of
 * objects with a {@code name}, read in batches.
 */
final class BulkKeys {
  /** Receives one batch of key names. */
  @FunctionalInterface
  interface BatchHandler {
    void accept(List<String> keys);
  }

  private BulkKeys() {}

  /** Checks every item (wrangler's messages); returns the number of keys. */
  static long validate(Path file, String name) throws IOException {
    List<String> errors = new ArrayList<>();
    long count =
        JsonArrayFile.forEach(
            file,
            name,
            "an array of strings",
            (index, item) -> {
              if (keyOf(item) == null && errors.size() <= BulkPutCommand.MAX_REPORTED) {
                errors.add(
                    errors.size() == BulkPutCommand.MAX_REPORTED
                        ? "..."
                        : "The item at index "
                            + index
                            + " is type: \""
                            + JsonArrayFile.typeOf(item)
                            + "\" - "
                            + JsonArrayFile.describe(item));
              }
            });
    if (!errors.isEmpty()) {
      throw new UserError(
          "Unexpected JSON input from \""
              + name
              + "\". Expected an array of strings or objects with a \"name\" key. "
              + String.join(" ", errors));
    }
    return count;
  }

  /** Calls {@code handler} with consecutive batches of at most {@code size} keys. */
  static void batches(Path file, String name, int size, BatchHandler handler) throws IOException {
    List<String> batch = new ArrayList<>(size);
    JsonArrayFile.forEach(
        file,
        name,
        "an array of strings",
        (index, item) -> {
          batch.add(keyOf(item));
          if (batch.size() == size) {
            handler.accept(List.copyOf(batch));
            batch.clear();
          }
        });
    if (!batch.isEmpty()) {
      handler.accept(List.copyOf(batch));
    }
  }

  private static String keyOf(JsonNode item) {
    if (item.isTextual()) {
      return item.textValue();
    }
    JsonNode name = item.path("name");
    return item.isObject() && name.isTextual() ? name.textValue() : null;
  }
}
