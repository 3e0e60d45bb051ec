package dev.flarekv.server.modes.limits;

import java.util.HashMap;
import java.util.Map;

/**
 * The REST API's request rate per token: at most {@code limit} requests in any {@code window} of
 * the emulated clock (a sliding window: the times of the last {@code limit} admitted requests are
 * kept, and a request is admitted when the oldest of them is a full window old). A refused request
 * is not counted, so a client that waits as told by Retry-After gets in.
 */
final class RequestRate {
  private final int limit;
  private final long windowMillis;
  private final Map<String, long[]> times = new HashMap<>();
  private final Map<String, Integer> next = new HashMap<>();

  RequestRate(int limit, long windowSeconds) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    this.limit = limit;
    this.windowMillis = windowSeconds * 1000;
  }

  /**
   * Counts one request of the token at {@code nowMillis}, or refuses it.
   *
   * @return 0 when admitted, else the whole seconds until a request would be
   */
  synchronized long admit(String token, long nowMillis) {
    long[] ring = times.computeIfAbsent(token, t -> filled(limit));
    int i = next.getOrDefault(token, 0);
    long oldest = ring[i]; // the time of the request `limit` requests ago
    if (oldest != Long.MIN_VALUE && nowMillis - oldest < windowMillis) {
      return Math.max(1, (oldest + windowMillis - nowMillis + 999) / 1000);
    }
    ring[i] = nowMillis;
    next.put(token, (i + 1) % limit);
    return 0;
  }

  private static long[] filled(int n) {
    long[] ring = new long[n];
    java.util.Arrays.fill(ring, Long.MIN_VALUE);
    return ring;
  }
}
