package dev.flarekv.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.flarekv.protocol.json.KvJson;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * JSON text the way wrangler prints it ({@code JSON.stringify(value, null, 2)}): two-space indent,
 * {@code "name": value}, {@code []} and {@code {}} for empty containers, {@code \n} line ends.
 */
final class JsJson {
  private static final DefaultIndenter INDENT = new DefaultIndenter("  ", "\n");

  private static final ObjectWriter PRETTY =
      KvJson.mapper()
          .writer(
              new DefaultPrettyPrinter(
                      Separators.createDefaultInstance()
                          .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                          .withObjectEmptySeparator("")
                          .withArrayEmptySeparator(""))
                  .withArrayIndenter(INDENT)
                  .withObjectIndenter(INDENT));

  private JsJson() {}

  /** {@code JSON.stringify(node, null, 2)}. */
  static String pretty(JsonNode node) {
    try {
      return PRETTY.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes a JSON array one element at a time, formatted like {@link #pretty} of the whole array,
   * so a listing of any length never sits in memory. {@link #finish()} writes the closing bracket
   * and a newline; after a failure it is not called, so a broken listing never looks complete.
   */
  static final class ArrayWriter {
    private final PrintWriter out;
    private boolean empty = true;

    ArrayWriter(PrintWriter out) {
      this.out = out;
      out.print('[');
    }

    void add(JsonNode item) {
      out.print(empty ? "\n  " : ",\n  ");
      out.print(pretty(item).replace("\n", "\n  "));
      empty = false;
    }

    /** Pushes what was written so far to the terminal (after each page). */
    void flush() {
      out.flush();
    }

    void finish() {
      out.print(empty ? "]\n" : "\n]\n");
      out.flush();
    }
  }
}
