package dev.flarekv.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the chunk versions a write superseded, {@link #delay} after the write: a reader that took
 * the old record just before it was replaced can still read the old chunks meanwhile
 * (docs/cassandra.md, "Values and chunks"). Cleanups still pending when the store closes run at
 * {@link #close}; whatever a crash leaves behind is found by the chunk garbage pass ({@link
 * CassandraChunkGc}).
 */
final class ChunkCleanup {
  /** How long a superseded chunk version stays readable by default. */
  static final Duration DEFAULT_DELAY = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(ChunkCleanup.class);

  /** Removal of the chunk versions a write at {@code ts} superseded. */
  private record Pending(String ns, byte[] k, long ts) {}

  private final CqlSession session;
  private final Cql cql;
  private final Set<Pending> pending = ConcurrentHashMap.newKeySet();
  private final ScheduledThreadPoolExecutor timer;
  private volatile long delayNanos = DEFAULT_DELAY.toNanos();

  ChunkCleanup(CqlSession session, Cql cql) {
    this.session = session;
    this.cql = cql;
    this.timer = Async.daemonTimer("flarekv-chunk-cleanup");
    timer.setRemoveOnCancelPolicy(true);
  }

  /** Deletes the chunk versions below {@code ts} of key {@code k}, {@link #delay} from now. */
  void schedule(String ns, byte[] k, long ts) {
    Pending cleanup = new Pending(ns, k, ts);
    long delay = delayNanos;
    if (delay == 0) {
      run(cleanup);
      return;
    }
    pending.add(cleanup);
    try {
      timer.schedule(
          () -> {
            if (pending.remove(cleanup)) {
              try {
                run(cleanup);
              } catch (RuntimeException e) {
                log.warn("chunk cleanup failed (the chunks stay as garbage): {}", e.toString());
              }
            }
          },
          delay,
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      pending.remove(cleanup);
      run(cleanup); // closing: no delay left to give
    }
  }

  private void run(Pending cleanup) {
    session.execute(
        cql.deleteOlderChunks.bind(
            cleanup.ts(), cleanup.ns(), ByteBuffer.wrap(cleanup.k()), cleanup.ts()));
  }

  /** Test support: how long superseded chunk versions are kept for readers (default 30 s). */
  void delay(Duration delay) {
    delayNanos = delay.toNanos();
  }

  /** Stops the timer and runs the cleanups still pending (before the session closes). */
  void close() {
    timer.shutdownNow();
    for (Pending cleanup : List.copyOf(pending)) {
      try {
        run(cleanup);
      } catch (RuntimeException e) {
        log.warn("chunk cleanup at close failed (the chunks stay as garbage): {}", e.toString());
      }
    }
    pending.clear();
  }
}
