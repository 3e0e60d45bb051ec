package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The JSON array file of a bulk command, read twice with a streaming parser: first to check every
 * item, so an invalid file sends nothing (as with wrangler), then to send it in batches, only one
 * of which is in memory.
 *
 * @param file where the file is
 * @param name the file name as the user gave it, for messages
 * @param expected how the error for a top level that is not an array describes the content, e.g.
 *     {@code "an array of strings"}
 */
record BulkFile(Path file, String name, String expected) {
  /** Looks at one item: its problem in wrangler's words, or null when the item is fine. */
  @FunctionalInterface
  interface ItemCheck {
    String problem(long index, JsonNode item);
  }

  /**
   * What a check of the whole file found.
   *
   * @param name the file name as the user gave it
   * @param items how many items the file holds
   * @param problems what was wrong, at most {@link JsonArrayFile#MAX_REPORTED} and {@code ...}
   */
  record Checked(String name, long items, List<String> problems) {
    /**
     * The number of items, or wrangler's error when an item had a problem.
     *
     * @param shape the sentence that says what every item must be
     */
    long orThrow(String shape) {
      if (!problems.isEmpty()) {
        throw new UserError(
            "Unexpected JSON input from \""
                + name
                + "\". "
                + shape
                + " "
                + String.join(" ", problems));
      }
      return items;
    }
  }

  /** The file {@code filename} names, relative to the working directory of {@code io}. */
  static BulkFile open(CliIo io, Path filename, String expected) {
    return new BulkFile(io.cwd().resolve(filename), filename.toString(), expected);
  }

  /** Reads every item and lists the problems {@code check} finds. */
  Checked check(ItemCheck check) throws IOException {
    List<String> problems = new ArrayList<>();
    long items =
        JsonArrayFile.forEach(
            file,
            name,
            expected,
            (index, item) -> {
              String problem = check.problem(index, item);
              if (problem != null) {
                JsonArrayFile.report(problems, problem);
              }
            });
    return new Checked(name, items, problems);
  }

  /**
   * Calls {@code handler} with consecutive batches of at most {@code size} items, each turned into
   * what is sent by {@code convert}; an item it turns into null is left out.
   */
  <T> void batches(int size, Function<JsonNode, T> convert, Consumer<List<T>> handler)
      throws IOException {
    List<T> batch = new ArrayList<>(size);
    JsonArrayFile.forEach(
        file,
        name,
        expected,
        (index, item) -> {
          T converted = convert.apply(item);
          if (converted == null) {
            return;
          }
          batch.add(converted);
          if (batch.size() == size) {
            handler.accept(List.copyOf(batch));
            batch.clear();
          }
        });
    if (!batch.isEmpty()) {
      handler.accept(List.copyOf(batch));
    }
  }
}
