package dev.flarekv.bench.cli;

import java.time.Duration;
import java.util.Locale;

/** The duration options of the benchmark commands: "10s", "500ms", "2m", "1h", or plain seconds. */
public final class Durations {
  private Durations() {}

  /** "10s", "500ms", "2m", "1h", or plain seconds. */
  public static Duration parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
    }
    char unit = t.charAt(t.length() - 1);
    if (Character.isDigit(unit)) {
      return Duration.ofMillis((long) (Double.parseDouble(t) * 1000));
    }
    double n = Double.parseDouble(t.substring(0, t.length() - 1));
    long millis =
        switch (unit) {
          case 's' -> (long) (n * 1000);
          case 'm' -> (long) (n * 60_000);
          case 'h' -> (long) (n * 3_600_000);
          default -> throw new IllegalArgumentException("bad duration: " + text);
        };
    return Duration.ofMillis(millis);
  }
}
