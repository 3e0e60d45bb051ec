package dev.flarekv.storage.cassandra;

import static dev.flarekv.storage.cassandra.Async.awaitAll;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.storage.StripedLocks;
import dev.flarekv.storage.cassandra.CassandraNamespaces.Space;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Writes and deletes of records: side data (chunks, expiry index) first, then the record, each at
 * one explicit write timestamp; bulk ones in batches under the keys' stripes held exclusively
 * (docs/cassandra.md, "Timestamps" and "Atomicity and isolation of bulk operations").
 */
record RecordWrites(
    EngineContext engine,
    CassandraSweep sweep,
    ChunkedValues chunks,
    ChunkCleanup cleanup,
    StripedLocks locks) {
  /** A putAll/deleteAll batch is split above this many bytes (see docs/cassandra.md). */
  static final int MAX_BATCH_BYTES = 8 * 1024 * 1024;

  /** A deleted namespace's partitions are deleted with a timestamp this far ahead (micros). */
  private static final long NAMESPACE_TOMBSTONE_LEAD_MICROS = Duration.ofDays(1).toNanos() / 1000;

  /** A write of one entry, prepared: its bytes, bucket and the statements it needs. */
  private final class PreparedPut {
    final KvEntry entry;
    final byte[] k;
    final int bucket;
    final int chunkCount;
    final long ttl;

    PreparedPut(Space space, KvEntry entry, long nowSeconds, long wallNowSeconds) {
      this.entry = entry;
      this.k = KeyLayout.utf8(entry.key());
      this.bucket = KeyLayout.bucket(k, space.buckets());
      this.chunkCount = ChunkedValues.chunkCount(entry.value().length);
      this.ttl = CqlTtl.of(entry.expiration(), nowSeconds, wallNowSeconds);
    }

    int estimatedBytes() {
      return k.length
          + (entry.metadata() == null ? 0 : entry.metadata().length() * 3)
          + (chunkCount == 0 ? entry.value().length : 0)
          + 96;
    }

    /** Chunks and the expiry index entry: written (and awaited) before the record. */
    List<CompletionStage<AsyncResultSet>> writeSideData(Space space, long ts) {
      List<CompletionStage<AsyncResultSet>> writes = new ArrayList<>();
      if (entry.expires()) {
        writes.addAll(sweep.index(space.id(), bucket, k, entry.expiration(), ttl, ts));
      }
      if (chunkCount > 0) {
        long chunkTtl = ttl == 0 ? 0 : ttl + CqlTtl.INDEX_MARGIN;
        writes.addAll(chunks.write(space.id(), k, entry.value(), ts, chunkTtl));
      }
      return writes;
    }

    BoundStatement record(Space space, long ts) {
      ByteBuffer inline = chunkCount == 0 ? ByteBuffer.wrap(entry.value()) : ByteBuffer.allocate(0);
      return engine
          .cql()
          .insertRecord
          .bind(
              space.id(),
              bucket,
              ByteBuffer.wrap(k),
              entry.expiration(),
              entry.metadata() == null ? "" : entry.metadata(),
              inline,
              entry.value().length,
              chunkCount,
              ts,
              (int) ttl,
              ts);
    }
  }

  private PreparedPut prepare(Space space, KvEntry entry, long nowSeconds) {
    return new PreparedPut(space, entry, nowSeconds, engine.wallSeconds());
  }

  void put(Space space, KvEntry entry) {
    long ts = engine.writeClock().next();
    PreparedPut put = prepare(space, entry, engine.nowSeconds());
    awaitAll(put.writeSideData(space, ts));
    engine.session().execute(put.record(space, ts));
    if (put.chunkCount > 0) {
      cleanup.schedule(space.id(), put.k, ts);
    }
  }

  void putAll(Space space, List<KvEntry> entries) {
    Map<String, KvEntry> last = new LinkedHashMap<>();
    for (KvEntry entry : entries) {
      last.remove(entry.key()); // a key given twice ends with the later entry
      last.put(entry.key(), entry);
    }
    if (last.isEmpty()) {
      return;
    }
    long nowSeconds = engine.nowSeconds();
    List<PreparedPut> puts = new ArrayList<>();
    for (KvEntry entry : last.values()) {
      puts.add(prepare(space, entry, nowSeconds));
    }
    long ts = engine.writeClock().next();
    List<CompletionStage<AsyncResultSet>> side = new ArrayList<>();
    for (PreparedPut put : puts) {
      side.addAll(put.writeSideData(space, ts));
    }
    awaitAll(side);
    int[] held = locks.lock(puts.stream().map(p -> p.k).toList());
    try {
      List<BoundStatement> records = new ArrayList<>();
      List<Integer> sizes = new ArrayList<>();
      for (PreparedPut put : puts) {
        records.add(put.record(space, ts));
        sizes.add(put.estimatedBytes());
      }
      executeBatches(records, sizes, puts.stream().map(p -> p.bucket).toList());
    } finally {
      locks.unlock(held);
    }
    for (PreparedPut put : puts) {
      if (put.chunkCount > 0) {
        cleanup.schedule(space.id(), put.k, ts);
      }
    }
  }

  void delete(Space space, String key) {
    byte[] k = KeyLayout.utf8(key);
    long ts = engine.writeClock().next();
    // record first: a reader never finds a record whose chunks are gone for good
    engine
        .session()
        .execute(
            engine
                .cql()
                .deleteRecord
                .bind(ts, space.id(), KeyLayout.bucket(k, space.buckets()), ByteBuffer.wrap(k)));
    engine.session().execute(engine.cql().deleteChunks.bind(ts, space.id(), ByteBuffer.wrap(k)));
  }

  void deleteAll(Space space, Collection<String> keys) {
    Map<ByteBuffer, byte[]> unique = new LinkedHashMap<>();
    for (String key : keys) {
      byte[] k = KeyLayout.utf8(key);
      unique.putIfAbsent(ByteBuffer.wrap(k), k);
    }
    if (unique.isEmpty()) {
      return;
    }
    long ts = engine.writeClock().next();
    List<byte[]> raw = new ArrayList<>(unique.values());
    int[] held = locks.lock(raw);
    try {
      List<BoundStatement> deletes = new ArrayList<>();
      List<Integer> sizes = new ArrayList<>();
      List<Integer> buckets = new ArrayList<>();
      for (byte[] k : raw) {
        int bucket = KeyLayout.bucket(k, space.buckets());
        deletes.add(engine.cql().deleteRecord.bind(ts, space.id(), bucket, ByteBuffer.wrap(k)));
        sizes.add(k.length + 64);
        buckets.add(bucket);
      }
      executeBatches(deletes, sizes, buckets);
    } finally {
      locks.unlock(held);
    }
    List<CompletionStage<AsyncResultSet>> chunkDeletes = new ArrayList<>();
    for (byte[] k : raw) {
      chunkDeletes.add(
          engine
              .session()
              .executeAsync(engine.cql().deleteChunks.bind(ts, space.id(), ByteBuffer.wrap(k))));
    }
    awaitAll(chunkDeletes);
  }

  /**
   * Deletes the data of a namespace already removed from the catalog: the chunk partitions of its
   * chunked keys, then every bucket partition.
   */
  void dropPartitions(Space space) {
    // A write that passed its namespace check before the catalog removal carries a timestamp below
    // this one, so these partition deletes cover it too: no orphans (docs/cassandra.md).
    long ts = engine.writeClock().next() + NAMESPACE_TOMBSTONE_LEAD_MICROS;
    List<CompletionStage<AsyncResultSet>> deletes = new ArrayList<>();
    for (int bucket = 0; bucket < space.buckets(); bucket++) {
      for (Row row :
          engine.session().execute(engine.cql().scanBucketChunked.bind(space.id(), bucket))) {
        if (row.getInt("chunks") > 0) {
          deletes.add(
              engine
                  .session()
                  .executeAsync(
                      engine.cql().deleteChunks.bind(ts, space.id(), row.getByteBuffer("k"))));
        }
      }
    }
    awaitAll(deletes);
    deletes.clear();
    for (int bucket = 0; bucket < space.buckets(); bucket++) {
      deletes.add(
          engine.session().executeAsync(engine.cql().deleteBucket.bind(ts, space.id(), bucket)));
    }
    awaitAll(deletes);
  }

  /**
   * Runs the statements as one batch: UNLOGGED when they all hit one partition (atomic and isolated
   * there), LOGGED otherwise (atomic: all or none eventually applied). Above {@link
   * #MAX_BATCH_BYTES} they are split into several batches, each atomic on its own.
   */
  private void executeBatches(
      List<BoundStatement> statements, List<Integer> sizes, List<Integer> buckets) {
    int from = 0;
    while (from < statements.size()) {
      int to = from;
      long bytes = 0;
      while (to < statements.size() && (to == from || bytes + sizes.get(to) <= MAX_BATCH_BYTES)) {
        bytes += sizes.get(to);
        to++;
      }
      boolean onePartition = buckets.subList(from, to).stream().distinct().count() == 1;
      BatchStatementBuilder batch =
          BatchStatement.builder(onePartition ? BatchType.UNLOGGED : BatchType.LOGGED);
      for (BoundStatement statement : statements.subList(from, to)) {
        batch.addStatement(statement);
      }
      engine.session().execute(batch.build());
      from = to;
    }
  }
}
