package dev.flarekv.storage.expiry;

import dev.flarekv.storage.KvStore;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link KvStore#sweepExpired} on a schedule so expired pairs are physically removed. Reads
 * never depend on it: the store hides expired pairs by itself, so a slow or failing sweeper costs
 * only disk space.
 *
 * <p>Each tick runs rounds of at most {@code maxDeletesPerTick} deletions; it starts another round
 * only while the previous one used its whole budget (a backlog), and stops after {@link
 * #MAX_ROUNDS_PER_TICK} rounds so one tick cannot monopolise the disk. Failures are logged and the
 * next tick tries again.
 */
public final class ExpirySweeper implements AutoCloseable {
  /** Upper bound of sweep rounds in one tick. */
  public static final int MAX_ROUNDS_PER_TICK = 16;

  static final String THREAD_NAME = "flarekv-sweeper";

  private static final Logger log = LoggerFactory.getLogger(ExpirySweeper.class);
  private static final long CLOSE_TIMEOUT_SECONDS = 30;

  private final KvStore store;
  private final Duration interval;
  private final int maxDeletesPerTick;
  private final ScheduledExecutorService executor;
  private boolean started;

  /**
   * @param interval time between the end of one tick and the start of the next
   * @param maxDeletesPerTick deletion budget of one sweep round, at least 1
   */
  public ExpirySweeper(KvStore store, Duration interval, int maxDeletesPerTick) {
    this.store = Objects.requireNonNull(store, "store");
    this.interval = Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
    if (maxDeletesPerTick < 1) {
      throw new IllegalArgumentException("maxDeletesPerTick must be >= 1: " + maxDeletesPerTick);
    }
    this.maxDeletesPerTick = maxDeletesPerTick;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, THREAD_NAME);
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Schedules the ticks; the first one runs after one interval. */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("sweeper already started");
    }
    started = true;
    long millis = interval.toMillis();
    executor.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * One tick, on the calling thread.
   *
   * @return how many expired pairs were deleted
   */
  public long runOnce() {
    long total = 0;
    for (int round = 0; round < MAX_ROUNDS_PER_TICK; round++) {
      int deleted = store.sweepExpired(maxDeletesPerTick);
      total += deleted;
      if (deleted < maxDeletesPerTick) {
        break;
      }
    }
    return total;
  }

  private void tick() {
    try {
      long deleted = runOnce();
      if (deleted > 0) {
        log.debug("Swept {} expired pairs", deleted);
      }
    } catch (RuntimeException e) {
      // Keep the schedule alive: an exception escaping here would cancel all later ticks.
      log.warn("Expiry sweep failed; retrying next tick", e);
    }
  }

  /** Stops scheduling and waits for a running tick to finish. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        log.warn("Expiry sweeper did not stop within {} s", CLOSE_TIMEOUT_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
