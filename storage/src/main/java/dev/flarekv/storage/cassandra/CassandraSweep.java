package dev.flarekv.storage.cassandra;

import static dev.flarekv.storage.cassandra.Async.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.flarekv.protocol.model.KvEntry;
import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The expiry index ({@code kv_expiry}, partitioned by hour and shard, and {@code kv_expiry_hours},
 * the hours that have entries) and the sweep over it. CQL TTLs remove expired records physically on
 * their own; the sweep covers what TTLs cannot (records written already expired or expiring beyond
 * CQL's range) and the store's own clock (docs/cassandra.md, "Expiration").
 */
final class CassandraSweep {
  /** Hour rows live until two days after their hour ends. */
  private static final long HOUR_TTL_MARGIN = 2 * 86_400;

  /** A drained hour row is deleted with a timestamp this far before the scan (micros). */
  private static final long HOUR_DELETE_LAG_MICROS = 10_000_000;

  private record Due(long hour, int shard, long expiration, String ns, ByteBuffer k, int bucket) {}

  private static final Comparator<Due> ORDER =
      Comparator.comparingLong(Due::expiration)
          .thenComparing(Due::ns)
          .thenComparing(
              (a, b) -> Arrays.compareUnsigned(KeyLayout.bytes(a.k), KeyLayout.bytes(b.k)));

  private final CqlSession session;
  private final Cql cql;
  private final InstantSource clock;
  private final KeyLayout.WriteClock writeClock;
  private final Object sweepLock = new Object();

  /** Future hours whose row this front end has written (see {@link #needsHourRow}). */
  private final Set<Long> markedHours = ConcurrentHashMap.newKeySet();

  CassandraSweep(
      CqlSession session, Cql cql, InstantSource clock, KeyLayout.WriteClock writeClock) {
    this.session = session;
    this.cql = cql;
    this.clock = clock;
    this.writeClock = writeClock;
  }

  /** The index writes for a record expiring at {@code expiration} (issued, not awaited). */
  List<CompletionStage<AsyncResultSet>> index(
      String ns, int bucket, byte[] k, long expiration, long recordTtl, long ts) {
    long hour = KeyLayout.hour(expiration);
    long nowSeconds = Math.floorDiv(clock.millis(), 1000);
    int entryTtl = recordTtl == 0 ? 0 : (int) (recordTtl + 86_400);
    long hourEnd = (hour + 1) * KeyLayout.SECONDS_PER_HOUR;
    int hourTtl = recordTtl == 0 ? 0 : (int) (hourEnd - nowSeconds + HOUR_TTL_MARGIN);
    CompletionStage<AsyncResultSet> entry =
        session.executeAsync(
            cql.insertExpiry.bind(
                hour,
                KeyLayout.shard(ns, k),
                expiration,
                ns,
                ByteBuffer.wrap(k),
                bucket,
                entryTtl,
                ts));
    if (!needsHourRow(hour, KeyLayout.hour(nowSeconds))) {
      return List.of(entry);
    }
    return List.of(entry, session.executeAsync(cql.insertHour.bind(hour, hourTtl, ts)));
  }

  /**
   * Whether this write must (re)write the hour row. {@code kv_expiry_hours} is one partition, so a
   * front end writes a future hour's row once, not on every put. Rows of the current and past hours
   * are always written: the sweep may have deleted them as drained.
   */
  private boolean needsHourRow(long hour, long nowHour) {
    if (hour <= nowHour) {
      return true;
    }
    if (markedHours.size() > 10_000) {
      markedHours.removeIf(h -> h <= nowHour);
    }
    return markedHours.add(hour);
  }

  int sweep(int maxDeletes) {
    synchronized (sweepLock) {
      long nowMillis = clock.millis();
      long nowSeconds = Math.floorDiv(nowMillis, 1000);
      long nowHour = KeyLayout.hour(nowSeconds);
      long scanStart = writeClock.next();
      int scanCap = Math.max(4 * maxDeletes, 1024);
      int deleted = 0;
      int scanned = 0;
      List<Long> hours = new ArrayList<>();
      for (Row row : session.execute(cql.selectHours.bind(nowHour))) {
        hours.add(row.getLong("hour"));
      }
      for (long hour : hours) {
        if (deleted >= maxDeletes || scanned >= scanCap) {
          break;
        }
        int fetch = scanCap - scanned + 1;
        List<CompletionStage<AsyncResultSet>> reads = new ArrayList<>();
        for (int shard = 0; shard < KeyLayout.EXPIRY_SHARDS; shard++) {
          reads.add(session.executeAsync(cql.selectDue.bind(hour, shard, nowSeconds, fetch)));
        }
        List<Due> due = new ArrayList<>();
        boolean drained = true;
        for (int shard = 0; shard < reads.size(); shard++) {
          AsyncResultSet page = await(reads.get(shard));
          int rows = 0;
          while (true) {
            for (Row row : page.currentPage()) {
              rows++;
              due.add(
                  new Due(
                      hour,
                      shard,
                      row.getLong("exp"),
                      row.getString("ns"),
                      row.getByteBuffer("k"),
                      row.getInt("bucket")));
            }
            if (!page.hasMorePages()) {
              break;
            }
            page = await(page.fetchNextPage());
          }
          if (rows >= fetch) {
            drained = false;
          }
        }
        due.sort(ORDER);
        for (Due entry : due) {
          if (deleted >= maxDeletes || scanned >= scanCap) {
            drained = false;
            break;
          }
          scanned++;
          if (removeIfExpired(entry, nowMillis)) {
            deleted++;
          }
        }
        if (drained && hour < nowHour) {
          // Entries of a past hour written during this scan carry later timestamps and keep the
          // hour row alive.
          session.execute(cql.deleteHour.bind(scanStart - HOUR_DELETE_LAG_MICROS, hour));
        }
      }
      return deleted;
    }
  }

  /**
   * Deletes the record if it still has the indexed, passed expiration; always drops the entry. The
   * delete carries the record's own write time, so a rewrite that lands meanwhile (a later
   * timestamp) survives it, on any front end.
   */
  private boolean removeIfExpired(Due entry, long nowMillis) {
    boolean removed = false;
    Row row =
        session.execute(cql.selectRecordHead.bind(entry.ns(), entry.bucket(), entry.k())).one();
    if (row != null
        && row.getLong("exp") == entry.expiration()
        && KvEntry.isExpiredAt(entry.expiration(), nowMillis)) {
      long writeTime = row.getLong("wt");
      session.execute(cql.deleteRecord.bind(writeTime, entry.ns(), entry.bucket(), entry.k()));
      if (row.getInt("chunks") > 0) {
        session.execute(
            cql.deleteChunkVersion.bind(writeTime, entry.ns(), entry.k(), row.getLong("ver")));
      }
      removed = true;
    }
    session.execute(
        cql.deleteExpiry.bind(
            writeClock.next(),
            entry.hour(),
            entry.shard(),
            entry.expiration(),
            entry.ns(),
            entry.k()));
    return removed;
  }
}
