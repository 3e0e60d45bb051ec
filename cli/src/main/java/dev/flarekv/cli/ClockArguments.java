package dev.flarekv.cli;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The arguments of {@code flarekv clock advance} and {@code set}: a duration ({@code 90s}, {@code
 * 15m}, {@code 1h30m}, {@code 2d}, ISO-8601 {@code PT1H}, or bare seconds) and an instant (ISO-8601
 * {@code 2030-01-01T00:00:00Z}, with an offset, a bare date at 00:00 UTC, or epoch seconds). Both
 * come out in whole seconds, the unit of {@code /flarekv/v1/clock}; anything else is a {@link
 * UserError} that says what is accepted.
 */
final class ClockArguments {
  private static final String DURATIONS =
      "use whole numbers with units d, h, m, s in that order (90s, 15m, 1h30m, 2d),"
          + " ISO-8601 (PT1H, P1DT2H) or plain seconds (3600)";

  private static final Pattern UNITS =
      Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");
  private static final Pattern DIGITS = Pattern.compile("\\d+");
  private static final long[] UNIT_SECONDS = {86_400, 3_600, 60, 1};

  private ClockArguments() {}

  /** A positive duration in whole seconds. */
  static long durationSeconds(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.startsWith("-")) {
      throw new UserError("Duration \"" + text + "\" is negative: the clock only moves forward");
    }
    long seconds;
    try {
      if (s.startsWith("p")) {
        seconds = iso(text.trim());
      } else if (DIGITS.matcher(s).matches()) {
        seconds = Long.parseLong(s);
      } else {
        seconds = withUnits(s, text);
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new UserError("Duration \"" + text + "\" is too long");
    }
    if (seconds <= 0) {
      throw new UserError(
          "Duration \"" + text + "\" is not positive: the clock only moves forward");
    }
    return seconds;
  }

  private static long withUnits(String s, String text) {
    Matcher m = UNITS.matcher(s);
    if (s.isEmpty() || !m.matches()) {
      throw new UserError("Unknown duration \"" + text + "\": " + DURATIONS);
    }
    long total = 0;
    for (int i = 0; i < UNIT_SECONDS.length; i++) {
      String n = m.group(i + 1);
      if (n != null) {
        total = Math.addExact(total, Math.multiplyExact(Long.parseLong(n), UNIT_SECONDS[i]));
      }
    }
    return total;
  }

  private static long iso(String text) {
    Duration d;
    try {
      d = Duration.parse(text.toUpperCase(Locale.ROOT));
    } catch (DateTimeException e) {
      throw new UserError("Unknown duration \"" + text + "\": " + DURATIONS);
    }
    if (d.getNano() != 0) {
      throw new UserError("Duration \"" + text + "\" is not a whole number of seconds");
    }
    return d.getSeconds();
  }

  /** An instant in epoch seconds. */
  static long instantSeconds(String text) {
    String s = text.trim();
    if (DIGITS.matcher(s).matches()) {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw new UserError("Time \"" + text + "\" is out of range");
      }
    }
    Instant instant;
    try {
      instant = OffsetDateTime.parse(s).toInstant(); // 2030-01-01T00:00:00Z, ...+02:00
    } catch (DateTimeException notDateTime) {
      try {
        instant = LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeException notDate) {
        throw new UserError(
            "Unknown time \""
                + text
                + "\": use an ISO-8601 instant (2030-01-01T00:00:00Z), a date (2030-01-01, at"
                + " 00:00 UTC) or epoch seconds (1893456000)");
      }
    }
    if (instant.getNano() != 0) {
      throw new UserError("Time \"" + text + "\" is not a whole second");
    }
    return instant.getEpochSecond();
  }
}
