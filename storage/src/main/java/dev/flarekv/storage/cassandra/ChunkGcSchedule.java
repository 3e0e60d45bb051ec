package dev.flarekv.storage.cassandra;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the chunk garbage pass ({@link CassandraChunkGc}) runs: every {@code chunkGcInterval} on
 * each front end, and of all front ends only the one that claims the keyspace-wide lease for that
 * interval does the work (docs/cassandra.md, "Chunk garbage").
 */
final class ChunkGcSchedule {
  /**
   * The scheduled pass leaves alone chunk versions younger than this: far above the cleanup delay,
   * the longest chunked write and the clock skew between front ends.
   */
  static final Duration MIN_AGE = Duration.ofHours(1);

  /** The lease that keeps the scheduled pass to one front end per interval. */
  static final String LEASE = "chunk-gc";

  private static final Logger log = LoggerFactory.getLogger(ChunkGcSchedule.class);

  private final EngineContext engine;
  private final StoreCalls calls;
  private final CassandraChunkGc gc;
  private final String frontEndId = UUID.randomUUID().toString();
  private final ScheduledThreadPoolExecutor timer;

  /** Starts the schedule ({@code interval} zero: no scheduled pass, only {@link #collect}). */
  ChunkGcSchedule(
      EngineContext engine, StoreCalls calls, CassandraNamespaces catalog, Duration interval) {
    this.engine = engine;
    this.calls = calls;
    this.gc = new CassandraChunkGc(engine, catalog, calls::isClosed);
    this.timer = interval.isZero() ? null : start(interval);
  }

  /**
   * Runs a pass every {@code interval}, the first one at a random point of the first interval, so
   * front ends started together do not scan together.
   */
  private ScheduledThreadPoolExecutor start(Duration interval) {
    ScheduledThreadPoolExecutor t = Async.daemonTimer("flarekv-chunk-gc");
    long period = interval.toNanos();
    long first = ThreadLocalRandom.current().nextLong(period / 2, period + 1);
    t.scheduleWithFixedDelay(
        () -> {
          try {
            // one pass per interval over all front ends: the first to claim the lease runs it
            if (claimLease(LEASE, leaseFor(interval))) {
              collect(MIN_AGE);
            } else {
              log.debug("chunk garbage pass skipped: another front end ran one in this interval");
            }
          } catch (RuntimeException e) {
            if (!calls.isClosed()) { // a pass cut short by close() starts over next time
              log.warn("chunk garbage pass failed (next one in {}): {}", interval, e.toString());
            }
          }
        },
        first,
        period,
        TimeUnit.NANOSECONDS);
    return t;
  }

  /**
   * How long a claimed pass keeps other front ends from running one: 90% of the interval, so the
   * next interval's pass is not blocked by this one's lease.
   */
  static Duration leaseFor(Duration interval) {
    return Duration.ofSeconds(Math.max(1, interval.toSeconds() * 9 / 10));
  }

  /**
   * Claims the keyspace-wide lease {@code name} for {@code ttl} (a lightweight transaction): true
   * for the one front end that got it, false while anyone holds it (this one included).
   */
  boolean claimLease(String name, Duration ttl) {
    return calls.call(
        "claim lease " + name,
        () ->
            engine
                .session()
                .execute(
                    engine
                        .cql()
                        .claimLease
                        .bind(name, frontEndId, CqlTtl.capped(ttl.toSeconds()))
                        .setIdempotent(false))
                .wasApplied());
  }

  /**
   * Removes the chunk versions that no record points to and that are older than {@code minAge} (see
   * {@link CassandraChunkGc}). The scheduled pass uses {@link #MIN_AGE}.
   */
  CassandraChunkGc.Result collect(Duration minAge) {
    return calls.call(
        "collect chunk garbage",
        () -> {
          long started = System.nanoTime();
          CassandraChunkGc.Result result = gc.run(minAge);
          log.info(
              "chunk garbage pass: {} chunk partitions scanned, {} unreferenced versions removed"
                  + " in {} ms",
              result.partitions(),
              result.versionsDeleted(),
              (System.nanoTime() - started) / 1_000_000);
          return result;
        });
  }

  /** Stops the schedule; a pass under way stops at its next partition (the store is closed). */
  void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
