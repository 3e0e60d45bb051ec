package dev.flarekv.bench.report;

import java.util.Locale;

/**
 * The column titles every latency table of the benchmarks ends with (p50 to max in milliseconds,
 * then errors), so {@code load}, {@code report} and {@code scale} title them alike.
 */
public final class TableHead {
  private static final String[] LATENCIES = {
    "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors"
  };

  private TableHead() {}

  /**
   * A head line: {@code format} (eight {@code %s} columns and a line end) gets the {@code leading}
   * titles, then the latency and error titles.
   */
  public static String format(String format, String... leading) {
    Object[] args = new Object[leading.length + LATENCIES.length];
    System.arraycopy(leading, 0, args, 0, leading.length);
    System.arraycopy(LATENCIES, 0, args, leading.length, LATENCIES.length);
    return String.format(Locale.ROOT, format, args);
  }
}
