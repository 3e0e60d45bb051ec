package dev.flarekv.server.modes.limits;

/**
 * One account's daily counts (reads, writes, deletes, lists) for one UTC day of the emulated clock.
 * An operation reserves its count before it runs, so two concurrent requests can never together
 * pass a quota, and gives it back if it fails. The first use on a new day starts every count again
 * at zero: that is the 00:00 UTC reset.
 */
final class DailyUsage {
  private final LimitsPlan plan;
  private final long[] used = new long[Quota.values().length];
  private long day = Long.MIN_VALUE;

  DailyUsage(LimitsPlan plan) {
    this.plan = plan;
  }

  /**
   * Counts {@code n} against the quota unless that would pass it.
   *
   * @param today the UTC day of the emulated clock (days since the epoch)
   * @return whether the count was taken
   */
  synchronized boolean reserve(Quota quota, long n, long today) {
    roll(today);
    int i = quota.ordinal();
    if (used[i] + n > plan.limit(quota)) {
      return false;
    }
    used[i] += n;
    return true;
  }

  /** Gives back a reservation of {@code today} (of an operation that failed). */
  synchronized void release(Quota quota, long n, long today) {
    if (day == today) {
      int i = quota.ordinal();
      used[i] = Math.max(0, used[i] - n);
    }
  }

  /** The count of the day {@code today}. */
  synchronized long used(Quota quota, long today) {
    roll(today);
    return used[quota.ordinal()];
  }

  private void roll(long today) {
    if (today != day) {
      day = today;
      java.util.Arrays.fill(used, 0);
    }
  }
}
