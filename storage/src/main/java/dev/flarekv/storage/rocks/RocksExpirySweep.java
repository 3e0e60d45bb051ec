package dev.flarekv.storage.rocks;

import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.storage.StripedLocks;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Physical removal of expired records through the {@code expiry} column family
 * (docs/expiry-index.md). Reads never depend on it: they hide expired records themselves.
 *
 * <p>Index entries are processed in key order, that is expiration order, in chunks. For each chunk
 * the stripes of its data keys are locked (ascending order, as writers do), each record's current
 * expiration is compared with the indexed one, and one batch deletes the processed index entries
 * plus the records that still carry the indexed, now past, expiration. A record rewritten since it
 * was indexed keeps its newer write.
 */
final class RocksExpirySweep {
  private static final Logger log = LoggerFactory.getLogger(RocksExpirySweep.class);

  /** Index entries handled under one set of stripe locks and one write batch. */
  static final int CHUNK = 256;

  /**
   * Deletions after which the swept ranges are compacted, once the due entries are all processed,
   * so the disk space comes back; in a large store, at least a tenth of its estimated keys, so
   * compaction work stays proportional to the deletions.
   */
  static final long COMPACT_AFTER_DELETES = 10_000;

  private final RocksHandles handles;
  private final StripedLocks stripes;
  private final TrackedIterator.Registry iterators;
  private final InstantSource clock;
  private final ReentrantLock sweepLock = new ReentrantLock();

  /**
   * Manual compactions run with these options, so {@link #cancel} can stop one that is running: one
   * subcompaction (one core), and flushes and automatic compactions keep going meanwhile.
   */
  private final CompactRangeOptions compactOptions =
      new CompactRangeOptions().setExclusiveManualCompaction(false).setMaxSubcompactions(1);

  private volatile boolean cancelled;
  private boolean optionsClosed; // guarded by this

  /**
   * Lowest expiration (seconds) a writer indexed since the last sweep started. The sweep resumes at
   * the minimum of this and {@link #resumeAt}, so an entry written behind the sweep position is not
   * skipped.
   */
  private final AtomicLong indexedLow = new AtomicLong(Long.MAX_VALUE);

  // Guarded by sweepLock.
  private byte[] resumeKey; // every index entry up to this one was processed; null: none yet
  private long deletesSinceCompaction;
  private byte[] lowestDeleted;
  private byte[] highestDeleted;
  private byte[] lastIndexKey;

  RocksExpirySweep(
      RocksHandles handles,
      StripedLocks stripes,
      TrackedIterator.Registry iterators,
      InstantSource clock) {
    this.handles = handles;
    this.stripes = stripes;
    this.iterators = iterators;
    this.clock = clock;
  }

  /** Called by writers after an index entry with this expiration was written. */
  void indexed(long expirationSeconds) {
    indexedLow.accumulateAndGet(expirationSeconds, Math::min);
  }

  /**
   * Makes a running and every later sweep stop at its next chunk, and stops a running compaction.
   * Called when the store closes (every time: close may be called again), so shutdown does not wait
   * for a large backlog.
   */
  synchronized void cancel() {
    cancelled = true;
    if (!optionsClosed) {
      compactOptions.setCanceled(true);
    }
  }

  /**
   * Frees the native options; only after the last sweep returned. Idempotent: touching the freed
   * options again (a second store close) would be a use-after-free in native code.
   */
  synchronized void close() {
    if (!optionsClosed) {
      optionsClosed = true;
      compactOptions.close();
    }
  }

  int sweep(int maxDeletes) throws RocksDBException {
    if (maxDeletes <= 0 || cancelled) {
      return 0;
    }
    sweepLock.lock();
    try {
      long nowMillis = clock.millis();
      // Expired iff now >= exp * 1000, i.e. exp <= floor(now / 1000).
      long nowSeconds = Math.floorDiv(nowMillis, 1000L);
      long maxScanned = Math.max(4L * maxDeletes, 1024L);
      int deleted = 0;
      long scanned = 0;
      boolean drained = false;
      try (Slice upper = new Slice(KeyCodec.bigEndian(nowSeconds + 1));
          ReadOptions readOptions = new ReadOptions().setIterateUpperBound(upper);
          TrackedIterator it = iterators.open(handles.db, handles.expiry, readOptions)) {
        it.seek(startKey(indexedLow.getAndSet(Long.MAX_VALUE)));
        List<byte[]> chunk = new ArrayList<>(CHUNK);
        while (deleted < maxDeletes && scanned < maxScanned && !cancelled) {
          chunk.clear();
          int want = Math.min(CHUNK, maxDeletes - deleted);
          for (; chunk.size() < want && it.isValid(); it.next()) {
            chunk.add(it.key());
          }
          if (chunk.isEmpty()) {
            break;
          }
          scanned += chunk.size();
          deleted += sweepChunk(chunk, nowMillis);
          resumeKey = chunk.get(chunk.size() - 1);
        }
        if (!it.isValid()) {
          it.checkStatus();
          drained = true;
        }
      }
      deletesSinceCompaction += deleted;
      if (drained && !cancelled && compactionDue()) {
        compactSweptRanges();
      }
      return deleted;
    } finally {
      sweepLock.unlock();
    }
  }

  /**
   * Where the next sweep seeks. Deleted index entries leave tombstones at the head of the CF, so it
   * resumes at the exact last processed entry rather than at its expiration second (seeking there
   * would step over every tombstone of that second again: quadratic when a million keys share one
   * expiration). A writer that indexed an expiration at or below the resume point (only possible
   * for a write that is already due) moves the start back to that expiration, so it is not skipped.
   */
  private byte[] startKey(long lowestIndexedSince) {
    if (resumeKey == null) {
      return KeyCodec.bigEndian(0);
    }
    long resumeExpiration = KeyCodec.expiryKeyExpiration(resumeKey);
    return lowestIndexedSince <= resumeExpiration
        ? KeyCodec.bigEndian(lowestIndexedSince)
        : resumeKey;
  }

  private boolean compactionDue() throws RocksDBException {
    return deletesSinceCompaction >= COMPACT_AFTER_DELETES
        && deletesSinceCompaction
            >= handles.db.getLongProperty(handles.data, "rocksdb.estimate-num-keys") / 10;
  }

  private int sweepChunk(List<byte[]> indexKeys, long nowMillis) throws RocksDBException {
    List<byte[]> dataKeys = new ArrayList<>(indexKeys.size());
    for (byte[] indexKey : indexKeys) {
      dataKeys.add(KeyCodec.expiryKeyDataKey(indexKey));
    }
    // Only the version byte and the expiration are needed: read them into a small buffer.
    byte[] header = new byte[16];
    int deleted = 0;
    int[] held = stripes.lock(dataKeys);
    try (WriteBatch batch = new WriteBatch()) {
      for (int i = 0; i < indexKeys.size(); i++) {
        byte[] indexKey = indexKeys.get(i);
        byte[] dataKey = dataKeys.get(i);
        batch.delete(handles.expiry, indexKey);
        long indexed = KeyCodec.expiryKeyExpiration(indexKey);
        int size = handles.db.get(handles.data, dataKey, header);
        if (size != RocksDB.NOT_FOUND
            && ValueCodec.expiration(header) == indexed
            && KvEntry.isExpiredAt(indexed, nowMillis)) {
          batch.delete(handles.data, dataKey);
          deleted++;
          noteDeleted(dataKey);
        }
      }
      handles.db.write(handles.writeOptions, batch);
    } finally {
      stripes.unlock(held);
    }
    lastIndexKey = indexKeys.get(indexKeys.size() - 1);
    return deleted;
  }

  private void noteDeleted(byte[] dataKey) {
    if (lowestDeleted == null || Arrays.compareUnsigned(dataKey, lowestDeleted) < 0) {
      lowestDeleted = dataKey;
    }
    if (highestDeleted == null || Arrays.compareUnsigned(dataKey, highestDeleted) > 0) {
      highestDeleted = dataKey;
    }
  }

  /**
   * Deleted records only free disk space once a compaction drops their tombstones together with the
   * old values. After a large sweep we force that over exactly the swept key ranges (both bounds
   * inclusive) instead of waiting for RocksDB to pick those files.
   */
  private void compactSweptRanges() throws RocksDBException {
    long started = System.nanoTime();
    try {
      if (lowestDeleted != null) {
        handles.db.compactRange(handles.data, lowestDeleted, highestDeleted, compactOptions);
      }
      if (lastIndexKey != null) {
        handles.db.compactRange(handles.expiry, null, lastIndexKey, compactOptions);
      }
    } catch (RocksDBException e) {
      if (cancelled) {
        log.info("Compaction after the expiry sweep stopped: the store is closing");
        return;
      }
      throw e;
    }
    log.info(
        "Compacted after sweeping {} expired records in {} ms",
        deletesSinceCompaction,
        (System.nanoTime() - started) / 1_000_000);
    deletesSinceCompaction = 0;
    lowestDeleted = null;
    highestDeleted = null;
    lastIndexKey = null;
  }
}
