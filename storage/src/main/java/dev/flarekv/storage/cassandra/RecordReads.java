package dev.flarekv.storage.cassandra;

import static dev.flarekv.storage.cassandra.Async.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.storage.StripedLocks;
import dev.flarekv.storage.cassandra.CassandraNamespaces.Space;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Reads of entries: the record, then (for a large value) its chunks. A record overwritten or
 * deleted between the two reads is read again. Expiry is decided by the store's clock.
 */
record RecordReads(EngineContext engine, ChunkedValues chunks, StripedLocks locks) {

  Optional<KvEntry> get(Space space, String key) {
    byte[] k = KeyLayout.utf8(key);
    for (int attempt = 1; ; attempt++) {
      StoredRecord stored = readRecord(space, key, k);
      if (stored == null || KvEntry.isExpiredAt(stored.expiration(), engine.clock().millis())) {
        return Optional.empty();
      }
      KvEntry entry = chunks.read(space.id(), k, stored, attempt);
      if (entry != null) {
        return Optional.of(entry);
      }
    }
  }

  /**
   * The unexpired entries among {@code keys}, by key. Holds the keys' stripes shared, so a {@code
   * putAll} of this front end is seen whole (docs/cassandra.md, "Atomicity and isolation of bulk
   * operations").
   */
  Map<String, KvEntry> getAll(Space space, Collection<String> keys) {
    Map<ByteBuffer, String> byBytes = new LinkedHashMap<>();
    for (String key : keys) {
      byBytes.putIfAbsent(ByteBuffer.wrap(KeyLayout.utf8(key)), key);
    }
    List<byte[]> raw = byBytes.keySet().stream().map(KeyLayout::bytes).toList();
    int[] held = locks.lockShared(raw);
    try {
      return readMany(space, byBytes);
    } finally {
      locks.unlockShared(held);
    }
  }

  private StoredRecord readRecord(Space space, String key, byte[] k) {
    Row row =
        engine
            .session()
            .execute(
                engine
                    .cql()
                    .selectRecord
                    .bind(space.id(), KeyLayout.bucket(k, space.buckets()), ByteBuffer.wrap(k)))
            .one();
    return row == null ? null : StoredRecord.of(key, row);
  }

  private Map<String, KvEntry> readMany(Space space, Map<ByteBuffer, String> byBytes) {
    Map<Integer, List<ByteBuffer>> byBucket = new HashMap<>();
    for (ByteBuffer k : byBytes.keySet()) {
      byBucket
          .computeIfAbsent(
              KeyLayout.bucket(KeyLayout.bytes(k), space.buckets()), b -> new ArrayList<>())
          .add(k);
    }
    CqlSession session = engine.session();
    List<CompletionStage<AsyncResultSet>> reads = new ArrayList<>();
    for (Map.Entry<Integer, List<ByteBuffer>> e : byBucket.entrySet()) {
      reads.add(
          session.executeAsync(
              engine.cql().selectRecords.bind(space.id(), e.getKey(), e.getValue())));
    }
    long now = engine.clock().millis();
    Map<String, KvEntry> found = new LinkedHashMap<>();
    for (CompletionStage<AsyncResultSet> read : reads) {
      AsyncResultSet page = await(read);
      while (true) {
        for (Row row : page.currentPage()) {
          ByteBuffer k = row.getByteBuffer("k");
          String key = byBytes.get(k);
          StoredRecord stored = StoredRecord.of(key, row);
          if (key == null || KvEntry.isExpiredAt(stored.expiration(), now)) {
            continue;
          }
          byte[] kBytes = KeyLayout.bytes(k);
          KvEntry entry = chunks.read(space.id(), kBytes, stored, 1);
          for (int attempt = 2; entry == null; attempt++) {
            StoredRecord again = readRecord(space, key, kBytes);
            if (again == null || KvEntry.isExpiredAt(again.expiration(), now)) {
              break;
            }
            entry = chunks.read(space.id(), kBytes, again, attempt);
          }
          if (entry != null) {
            found.put(key, entry);
          }
        }
        if (!page.hasMorePages()) {
          break;
        }
        page = await(page.fetchNextPage());
      }
    }
    return found;
  }
}
