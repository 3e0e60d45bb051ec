package dev.flarekv.storage.cassandra;

import static dev.flarekv.storage.cassandra.Async.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.storage.StoreException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Values too large for the record: written to {@code kv_chunks} in {@link #CHUNK_BYTES} pieces
 * under the write's version before the record points at them, and read back whole
 * (docs/cassandra.md, "Values and chunks").
 */
record ChunkedValues(CqlSession session, Cql cql) {
  /** Values up to this size live in the record; larger ones in {@code kv_chunks}. */
  static final int INLINE_VALUE_BYTES = 4096;

  /** Size of one chunk of an out-of-line value (one CQL write each). */
  static final int CHUNK_BYTES = 1024 * 1024;

  /** Reads of a chunked value before a missing chunk is reported as an error. */
  static final int READ_ATTEMPTS = 4;

  private static final int WRITES_IN_FLIGHT = 4;

  /** How many chunks a value of {@code length} bytes takes; 0 for an inline value. */
  static int chunkCount(int length) {
    return length <= INLINE_VALUE_BYTES ? 0 : (length + CHUNK_BYTES - 1) / CHUNK_BYTES;
  }

  /**
   * Writes the value's chunks as version {@code ts} of key {@code k}, a few at a time (bounded
   * memory and load: a few MiB in flight). Returns the writes still in flight; the caller awaits
   * them before it writes the record.
   */
  List<CompletableFuture<AsyncResultSet>> write(
      String ns, byte[] k, byte[] value, long ts, long chunkTtl) {
    int chunks = chunkCount(value.length);
    List<CompletableFuture<AsyncResultSet>> inFlight = new ArrayList<>();
    for (int i = 0; i < chunks; i++) {
      int from = i * CHUNK_BYTES;
      ByteBuffer data =
          ByteBuffer.wrap(value, from, Math.min(CHUNK_BYTES, value.length - from)).slice();
      inFlight.add(
          session
              .executeAsync(
                  cql.insertChunk.bind(ns, ByteBuffer.wrap(k), ts, i, data, (int) chunkTtl, ts))
              .toCompletableFuture());
      if (inFlight.size() >= WRITES_IN_FLIGHT) {
        await(inFlight.remove(0));
      }
    }
    return inFlight;
  }

  /**
   * The entry with its whole value, or null when the chunks of this version are gone (the record
   * was overwritten or deleted meanwhile; the caller reads the record again and passes the next
   * {@code attempt}). After {@link #READ_ATTEMPTS} attempts a missing chunk is an error.
   */
  KvEntry read(String ns, byte[] k, StoredRecord stored, int attempt) {
    if (stored.chunks() == 0) {
      return new KvEntry(
          stored.key(), KeyLayout.bytes(stored.inline()), stored.metadata(), stored.expiration());
    }
    byte[] value = new byte[stored.length()];
    int filled = 0;
    int expectedChunk = 0;
    BoundStatement select =
        cql.selectChunks
            .bind(ns, ByteBuffer.wrap(k), stored.version())
            .setPageSize(2); // at most 2 MiB per page
    for (Row row : session.execute(select)) {
      ByteBuffer data = row.getByteBuffer("data");
      if (row.getInt("chunk") != expectedChunk
          || data == null
          || filled + data.remaining() > value.length) {
        break;
      }
      data.duplicate().get(value, filled, data.remaining());
      filled += data.remaining();
      expectedChunk++;
    }
    if (expectedChunk == stored.chunks() && filled == value.length) {
      return new KvEntry(stored.key(), value, stored.metadata(), stored.expiration());
    }
    if (attempt >= READ_ATTEMPTS) {
      throw new StoreException(
          "value of key '"
              + stored.key()
              + "' (version "
              + stored.version()
              + ") is missing chunks: found "
              + expectedChunk
              + " of "
              + stored.chunks(),
          null);
    }
    try {
      Thread.sleep(10L << attempt); // a batch that deletes the record is still landing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while reading chunks", e);
    }
    return null;
  }
}
