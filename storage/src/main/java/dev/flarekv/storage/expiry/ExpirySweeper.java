package dev.flarekv.storage.expiry;

import dev.flarekv.storage.KvStore;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link KvStore#sweepExpired} on a schedule so expired pairs are physically removed. Reads
 * never depend on it: the store hides expired pairs by itself, so a slow or failing sweeper costs
 * only disk space.
 *
 * <p>Each tick runs rounds of at most {@code maxDeletesPerRound} deletions; it starts another round
 * only while the previous one used its whole budget (a backlog). Between backlog rounds it pauses,
 * so the sweeper is busy at most {@code busyShare} of the time and a mass expiry (a million keys
 * sharing one instant) does not take a core away from requests for the whole sweep. A tick ends
 * when the backlog is gone or the sweeper is closed. Failures are logged and the next tick tries
 * again.
 *
 * <p>The sweeper's thread also runs at the lowest CPU priority (Linux {@code SCHED_IDLE}, see
 * {@link IdlePriority}) unless told not to, so a request thread that wakes while it sweeps gets the
 * core at once. Under a CPU that is saturated by requests the sweep then waits, which costs only
 * disk space.
 */
public final class ExpirySweeper implements AutoCloseable {
  /** Default share of wall time the sweeper may be busy while it works off a backlog. */
  public static final double DEFAULT_BUSY_SHARE = 0.25;

  static final String THREAD_NAME = "flarekv-sweeper";

  private static final Logger log = LoggerFactory.getLogger(ExpirySweeper.class);
  private static final long CLOSE_TIMEOUT_SECONDS = 30;

  private final KvStore store;
  private final Duration interval;
  private final int maxDeletesPerRound;
  private final double pausePerBusy;
  private final ScheduledExecutorService executor;
  private volatile IdlePriority.Outcome priority;
  private final AtomicBoolean soonPending = new AtomicBoolean();
  private volatile boolean closed;
  private volatile boolean started;

  /**
   * A sweeper busy at most {@link #DEFAULT_BUSY_SHARE} of the time while it works off a backlog.
   */
  public ExpirySweeper(KvStore store, Duration interval, int maxDeletesPerRound) {
    this(store, interval, maxDeletesPerRound, DEFAULT_BUSY_SHARE);
  }

  /** A sweeper whose thread runs at the lowest CPU priority. */
  public ExpirySweeper(KvStore store, Duration interval, int maxDeletesPerRound, double busyShare) {
    this(store, interval, maxDeletesPerRound, busyShare, true);
  }

  /**
   * @param interval time between the end of one tick and the start of the next
   * @param maxDeletesPerRound deletion budget of one sweep round, at least 1
   * @param busyShare share of wall time, in (0, 1], the sweeper may spend sweeping during a
   *     backlog; after a round that took t it pauses t * (1 / busyShare - 1)
   * @param idlePriority whether the sweeper's thread lowers itself to the lowest CPU priority
   */
  public ExpirySweeper(
      KvStore store,
      Duration interval,
      int maxDeletesPerRound,
      double busyShare,
      boolean idlePriority) {
    this.store = Objects.requireNonNull(store, "store");
    this.interval = Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
    if (maxDeletesPerRound < 1) {
      throw new IllegalArgumentException("maxDeletesPerRound must be >= 1: " + maxDeletesPerRound);
    }
    if (!(busyShare > 0 && busyShare <= 1)) {
      throw new IllegalArgumentException("busyShare must be in (0, 1]: " + busyShare);
    }
    this.maxDeletesPerRound = maxDeletesPerRound;
    this.pausePerBusy = 1 / busyShare - 1;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Runnable body = idlePriority ? () -> lowerPriorityThenRun(task) : task;
              Thread thread = new Thread(body, THREAD_NAME);
              thread.setDaemon(true);
              return thread;
            });
  }

  private void lowerPriorityThenRun(Runnable task) {
    IdlePriority.Outcome outcome = IdlePriority.lowerCurrentThread();
    priority = outcome;
    switch (outcome) {
      case IDLE -> log.info("Expiry sweeper thread runs at idle CPU priority (SCHED_IDLE)");
      case NICE -> log.info("Expiry sweeper thread runs at nice 19 (chrt --idle unavailable)");
      case UNCHANGED ->
          log.info("Expiry sweeper thread keeps normal CPU priority (no chrt or renice here)");
    }
    task.run();
  }

  /**
   * The priority the sweeper's thread got, once that thread has started; null before, and when it
   * was not asked to lower it.
   */
  IdlePriority.Outcome priority() {
    return priority;
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
   * Runs a tick on the sweeper's thread as soon as it is free, besides the schedule: emulated time
   * calls this when the clock jumps, so pairs that expired by the jump are removed without waiting
   * for the next interval of real time. Returns at once; requests made while one is pending are
   * merged into it. Does nothing before {@link #start} and after {@link #close}.
   */
  public void sweepSoon() {
    if (!started || closed || !soonPending.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(
          () -> {
            soonPending.set(false);
            tick();
          });
    } catch (RejectedExecutionException e) {
      soonPending.set(false); // closed meanwhile
    }
  }

  /**
   * One tick, on the calling thread: rounds until one leaves budget over, paced by the busy share.
   * Returns early, keeping the thread's interrupt status, when the sweeper is closed or the thread
   * interrupted.
   *
   * @return how many expired pairs were deleted
   */
  public long runOnce() {
    long total = 0;
    while (!closed && !Thread.currentThread().isInterrupted()) {
      long started = System.nanoTime();
      int deleted = store.sweepExpired(maxDeletesPerRound);
      total += deleted;
      if (deleted < maxDeletesPerRound) {
        break;
      }
      long pauseNanos = (long) ((System.nanoTime() - started) * pausePerBusy);
      if (pauseNanos > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(pauseNanos);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
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

  /** Stops scheduling, ends a running tick after its current round and waits for that. */
  @Override
  public void close() {
    closed = true;
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
