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

  private final Path file;
  private final String name;

  private BulkKeys(Path file, String name) {
    this.file = file;
    this.name = name;
  }

  /** The key file {@code filename} names, relative to the working directory of {@code io}. */
  static BulkKeys open(CliIo io, Path filename) {
    return new BulkKeys(io.cwd().resolve(filename), filename.toString());
  }

  /** The file name as the user gave it, for messages. */
  String name() {
    return name;
  }

  /** Checks every item (wrangler's messages); returns the number of keys. */
  long validate() throws IOException {
    List<String> errors = new ArrayList<>();
    long count =
        JsonArrayFile.forEach(
            file,
            name,
            "an array of strings",
            (index, item) -> {
              if (keyOf(item) == null) {
                JsonArrayFile.report(
                    errors,
                    "The item at index "
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
  void batches(int size, BatchHandler handler) throws IOException {
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
