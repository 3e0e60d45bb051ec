package dev.flarekv.bench.scale;

import java.util.OptionalDouble;

/** Reads one metric out of Prometheus text exposition format (what flarekv's /metrics serves). */
public final class PromText {
  private PromText() {}

  /**
   * The sum of all samples of the metric called exactly {@code name} (every label combination), or
   * empty when there is none. Comment lines and other metrics, including ones whose name merely
   * starts with {@code name}, are ignored.
   */
  public static OptionalDouble sum(String text, String name) {
    boolean found = false;
    double total = 0;
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || !line.startsWith(name)) {
        continue;
      }
      int i = name.length();
      if (i < line.length() && line.charAt(i) == '{') {
        i = endOfLabels(line, i);
        if (i < 0) {
          continue; // malformed labels
        }
      } else if (i >= line.length() || !Character.isWhitespace(line.charAt(i))) {
        continue; // another metric with a longer name
      }
      String[] rest = line.substring(i).strip().split("\\s+");
      if (rest.length == 0 || rest[0].isEmpty()) {
        continue;
      }
      total += value(rest[0]);
      found = true;
    }
    return found ? OptionalDouble.of(total) : OptionalDouble.empty();
  }

  /** The index just past the '}' closing the label set opening at {@code open}, or -1. */
  private static int endOfLabels(String line, int open) {
    boolean quoted = false;
    for (int i = open + 1; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++; // escaped character inside a label value
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == '}') {
        return i + 1;
      }
    }
    return -1;
  }

  private static double value(String token) {
    return switch (token) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(token);
    };
  }
}
