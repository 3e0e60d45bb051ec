package dev.flarekv.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.flarekv.protocol.json.KvJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the elements of a file holding one JSON array, one element at a time with Jackson's
 * streaming parser, so a bulk file of any size never sits in memory.
 */
final class JsonArrayFile {
  /** What to do with each element; {@code index} counts from 0. */
  @FunctionalInterface
  interface ElementHandler {
    void accept(long index, JsonNode element);
  }

  /** KvJson's reader, minus the whole-document check: here each element is one of many. */
  private static final ObjectReader ELEMENT_READER =
      KvJson.mapper().reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /**
   * How many problems a bulk-file check lists before {@code ...}: wrangler's {@code
   * BATCH_MAX_ERRORS_WARNINGS}.
   */
  static final int MAX_REPORTED = 12;

  private JsonArrayFile() {}

  /**
   * Adds {@code line} to a problem list, capped at {@link #MAX_REPORTED} lines and one {@code ...}.
   */
  static void report(List<String> list, String line) {
    if (list.size() < MAX_REPORTED) {
      list.add(line);
    } else if (list.size() == MAX_REPORTED) {
      list.add("...");
    }
  }

  /**
   * Calls {@code handler} for each element in order.
   *
   * @param expected how the wrangler error describes the expected content when the top level is not
   *     an array, e.g. {@code "an array of key-value objects"}
   * @return the number of elements
   * @throws UserError when the file is missing, is not JSON or is not an array
   */
  static long forEach(Path file, String name, String expected, ElementHandler handler)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString());
    }
    try (JsonParser parser = KvJson.mapper().createParser(file.toFile())) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_ARRAY) {
        String type =
            first == null
                ? "undefined"
                : switch (first) {
                  case START_OBJECT -> "object";
                  case VALUE_STRING -> "string";
                  case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
                  case VALUE_TRUE, VALUE_FALSE -> "boolean";
                  default -> "object";
                };
        throw new UserError(
            "Unexpected JSON input from \""
                + name
                + "\". Expected "
                + expected
                + " but got type \""
                + type
                + "\".");
      }
      long index = 0;
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        if (parser.currentToken() == null) {
          throw new UserError("cannot parse \"" + name + "\" as JSON: unexpected end of file");
        }
        JsonNode element = ELEMENT_READER.readTree(parser);
        handler.accept(index++, element);
      }
      if (parser.nextToken() != null) {
        throw new UserError("cannot parse \"" + name + "\" as JSON: content after the array");
      }
      return index;
    } catch (JsonProcessingException e) {
      throw new UserError(
          "cannot parse \""
              + name
              + "\" as JSON: "
              + KvExitCodes.oneLine(e.getOriginalMessage())
              + " (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ")");
    }
  }

  /** wrangler's item description: {@code JSON.stringify(item)}. */
  static String describe(JsonNode item) {
    String text = KvJson.compact(item);
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  /** JavaScript's {@code typeof} of a JSON value. */
  static String typeOf(JsonNode node) {
    if (node.isTextual()) {
      return "string";
    }
    if (node.isNumber()) {
      return "number";
    }
    if (node.isBoolean()) {
      return "boolean";
    }
    return "object";
  }
}
