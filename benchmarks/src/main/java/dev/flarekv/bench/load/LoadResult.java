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
 * @param sendLag open loop only (else null): how late each operation was sent after its intended
 *     time, in nanoseconds; the generator's own contribution to the latency, which must stay small
 * @param measuredNanos the length of the measured window
 */
public record LoadResult(
    long ops,
    long requests,
    long errors,
    Map<String, Long> errorKinds,
    Histogram histogram,
    Histogram sendLag,
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

  /** The send lag at a percentile, in milliseconds (0 in a closed loop). */
  public double sendLagMillisAt(double percentile) {
    return sendLag == null || sendLag.getTotalCount() == 0
        ? 0
        : sendLag.getValueAtPercentile(percentile) / (double) TimeUnit.MILLISECONDS.toNanos(1);
  }

  public static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
