package dev.flarekv.bench.load;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What one run measured, warm-up excluded.
 *
 * @param ops completed operations (for ratelimit one op = a get and a put)
 * @param requests answered requests
 * @param errors failed operations (unexpected status, timeout, connection failure)
 * @param errorKinds errors by kind
 * @param histogram operation latency in nanoseconds
 * @param measuredNanos the length of the measured window
 */
public record LoadResult(
    long ops,
    long requests,
    long errors,
    Map<String, Long> errorKinds,
    Histogram histogram,
    long measuredNanos) {

  public double opsPerSecond() {
    return ops * 1e9 / measuredNanos;
  }

  public double requestsPerSecond() {
    return requests * 1e9 / measuredNanos;
  }

  /** The latency at a percentile, in milliseconds (0 when nothing was measured). */
  public double millisAt(double percentile) {
    return histogram.getTotalCount() == 0
        ? 0
        : histogram.getValueAtPercentile(percentile) / (double) TimeUnit.MILLISECONDS.toNanos(1);
  }

  public double maxMillis() {
    return histogram.getTotalCount() == 0
        ? 0
        : histogram.getMaxValue() / (double) TimeUnit.MILLISECONDS.toNanos(1);
  }

  public double meanMillis() {
    return histogram.getTotalCount() == 0
        ? 0
        : histogram.getMean() / TimeUnit.MILLISECONDS.toNanos(1);
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
