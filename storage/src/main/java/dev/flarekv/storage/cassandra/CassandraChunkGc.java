package dev.flarekv.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.flarekv.storage.cassandra.CassandraNamespaces.Space;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * Removes chunk versions that no record points to and no reader can still need (docs/cassandra.md,
 * "Chunk garbage"). Such versions are left by a value overwritten by an inline one, by a front end
 * that died between writing chunks and writing the record or within the cleanup delay of an
 * overwrite, and by a chunked put that raced its namespace's delete.
 *
 * <p>One pass scans every partition of {@code kv_chunks} (paged) and, for each, reads the key's
 * record. A version {@code v} of key {@code k} is garbage when it is older than {@code minAge}
 * (chunk versions are the write's wall-clock timestamp in microseconds) and
 *
 * <ul>
 *   <li>the namespace is gone, or the key has no record; or
 *   <li>{@code v} is above the record's version (a write that never wrote its record); or
 *   <li>{@code v} is below the record's version (inline or chunked) and that record is itself older
 *       than {@code minAge}, so no reader that took the superseded record can still be reading.
 * </ul>
 *
 * A write still in flight has a version newer than {@code minAge} (front-end clocks must agree
 * within it), and the live version is never touched. Each garbage version is removed with one row
 * range delete at the pass's timestamp, which is above every cell it covers and shadows nothing
 * written later (a later write uses a newer version).
 *
 * @param engine the session, statements and write clock of the store
 * @param catalog where a key's namespace (and its bucket count) is looked up
 * @param stopped whether the store is closing, so a pass ends early
 */
record CassandraChunkGc(
    EngineContext engine, CassandraNamespaces catalog, BooleanSupplier stopped) {
  /** What one pass did. */
  record Result(long partitions, long versionsDeleted) {}

  private static final int SCAN_PAGE = 500;

  Result run(Duration minAge) {
    CqlSession session = engine.session();
    Cql cql = engine.cql();
    long ts = engine.writeClock().next();
    long cutoff = ts - minAge.toNanos() / 1000;
    Map<String, Space> spaces = new HashMap<>();
    long partitions = 0;
    long deleted = 0;
    for (Row row : session.execute(cql.scanChunkPartitions.bind().setPageSize(SCAN_PAGE))) {
      if (stopped.getAsBoolean()) {
        break; // the store is closing; the next pass starts over
      }
      partitions++;
      String ns = row.getString("ns");
      ByteBuffer k = row.getByteBuffer("k");
      Space space = spaces.computeIfAbsent(ns, id -> catalog.load(id));
      long record = 0; // the record's version (its write's timestamp); 0: no record
      boolean chunked = false;
      if (space != null) {
        byte[] key = KeyLayout.bytes(k);
        Row found =
            session
                .execute(
                    cql.selectRecordHead.bind(
                        ns, KeyLayout.bucket(key, space.buckets()), ByteBuffer.wrap(key)))
                .one();
        if (found != null) {
          record = found.getLong("ver");
          chunked = found.getInt("chunks") > 0;
        }
      }
      TreeSet<Long> versions = new TreeSet<>();
      for (Row version : session.execute(cql.selectChunkVersions.bind(ns, k))) {
        versions.add(version.getLong("ver"));
      }
      for (long version : versions) {
        if (isGarbage(version, record, chunked, cutoff)) {
          session.execute(cql.deleteChunkVersion.bind(ts, ns, k, version));
          deleted++;
        }
      }
    }
    return new Result(partitions, deleted);
  }

  /**
   * Whether chunk version {@code version} is garbage, given the key's record version ({@code 0}: no
   * record, or no namespace) and whether that record points at chunks.
   */
  static boolean isGarbage(long version, long record, boolean chunked, long cutoff) {
    if (version >= cutoff || (chunked && version == record)) {
      return false;
    }
    if (version > record) {
      return true; // its write never wrote its record, or the key or namespace is gone
    }
    // superseded by the record: a reader that took the older record may still be reading it
    // until the superseding write is old enough
    return record < cutoff;
  }
}
