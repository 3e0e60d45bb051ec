package dev.flarekv.bench.scale;

/**
 * When the sweep part's keys expire. flarekv (like Cloudflare) rejects an absolute {@code
 * expiration} less than 60 s after the time of the write, and all keys share one instant, so the
 * instant must be at least 60 s after the <i>last</i> write of the preload: it is computed before
 * the first one from an assumed preload rate, plus a margin.
 *
 * @param instantSeconds the shared expiration, epoch seconds
 * @param minLeadSeconds the server's minimum distance between a write and its expiration
 */
public record ExpiryPlan(long instantSeconds, long minLeadSeconds) {
  /** flarekv's (and Cloudflare's) minimum: expiration >= now + 60 s. */
  public static final long MIN_LEAD_SECONDS = 60;

  /** Slack for the second the server rounds to and the request in flight. */
  static final long WRITE_SLACK_MILLIS = 2_000;

  /**
   * @param nowMillis wall clock at the start of the preload (epoch ms)
   * @param keys keys to write before the instant
   * @param assumedKeysPerSecond the preload rate to plan for; a slower preload fails cleanly
   * @param marginSeconds extra time between the end of the preload plus 60 s and the instant
   */
  public static ExpiryPlan compute(
      long nowMillis, long keys, double assumedKeysPerSecond, long marginSeconds) {
    if (keys < 0 || assumedKeysPerSecond <= 0 || marginSeconds < 0) {
      throw new IllegalArgumentException("keys >= 0, rate > 0 and margin >= 0 required");
    }
    long preloadMillis = (long) Math.ceil(keys * 1000.0 / assumedKeysPerSecond);
    long at = nowMillis + preloadMillis + (MIN_LEAD_SECONDS + marginSeconds) * 1000;
    return new ExpiryPlan(Math.floorDiv(at + 999, 1000), MIN_LEAD_SECONDS);
  }

  /** Whether a write at {@code nowMillis} may still carry this expiration (with some slack). */
  public boolean writableAt(long nowMillis) {
    return instantSeconds * 1000 >= nowMillis + minLeadSeconds * 1000 + WRITE_SLACK_MILLIS;
  }

  /** The instant in epoch milliseconds. */
  public long instantMillis() {
    return instantSeconds * 1000;
  }

  /** The instant on the {@link System#nanoTime} scale, given the two clocks read together. */
  public long instantNanos(long wallMillisNow, long nanoNow) {
    return nanoNow + (instantMillis() - wallMillisNow) * 1_000_000L;
  }
}
