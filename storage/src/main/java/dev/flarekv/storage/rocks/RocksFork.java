package dev.flarekv.storage.rocks;

import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.Namespace;
import java.time.InstantSource;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forks a namespace inside RocksDB: one iterator over the source's key range (an iterator reads one
 * consistent point-in-time view of the database, so the copy is the source as it was when the fork
 * began, whatever is written meanwhile) feeds write batches of the records as they are stored,
 * under the new namespace's id, with their expiry index entries. Records already expired are
 * skipped; nothing is decoded but the expiration.
 *
 * <p>The new namespace's title is reserved first ({@link RocksNamespaces#reserve}), and its catalog
 * record goes into the last batch, so the namespace appears complete or not at all. Batches hold at
 * most {@link #BATCH_BYTES}; on a failure the records written so far are deleted (they were never
 * reachable: no catalog record names their id). A crash in the middle of a large fork can leave
 * such unreachable records on disk.
 */
final class RocksFork {
  private static final Logger log = LoggerFactory.getLogger(RocksFork.class);
  private static final byte[] EMPTY = new byte[0];

  /** The most bytes one write batch of a fork holds before it is written. */
  static final long BATCH_BYTES = 32L << 20;

  private final RocksHandles handles;
  private final RocksNamespaces catalog;
  private final TrackedIterator.Registry iterators;
  private final RocksExpirySweep sweep;
  private final RocksSpaceUse spaceUse;
  private final InstantSource clock;

  RocksFork(
      RocksHandles handles,
      RocksNamespaces catalog,
      TrackedIterator.Registry iterators,
      RocksExpirySweep sweep,
      RocksSpaceUse spaceUse,
      InstantSource clock) {
    this.handles = handles;
    this.catalog = catalog;
    this.iterators = iterators;
    this.sweep = sweep;
    this.spaceUse = spaceUse;
    this.clock = clock;
  }

  /**
   * Copies {@code source} into a new namespace titled {@code title} in its account. The caller
   * holds the read side of the source's lock, so the source is not deleted meanwhile.
   */
  Namespace fork(RocksNamespaces.Space source, String title) throws RocksDBException {
    RocksNamespaces.Space target = catalog.reserve(source.namespace.accountId(), title);
    boolean published = false;
    long lowestExpiration = Long.MAX_VALUE;
    try (WriteBatch batch = new WriteBatch()) {
      long now = clock.millis();
      long bytes = 0;
      try (Slice upper = new Slice(KeyCodec.prefixEnd(source.id));
          ReadOptions readOptions =
              new ReadOptions().setIterateUpperBound(upper).setFillCache(false);
          TrackedIterator it = iterators.open(handles.db, handles.data, readOptions)) {
        for (it.seek(source.id); it.isValid(); it.next()) {
          byte[] record = it.value();
          long expiration = ValueCodec.expiration(record);
          if (KvEntry.isExpiredAt(expiration, now)) {
            continue;
          }
          byte[] key = it.key();
          System.arraycopy(target.id, 0, key, 0, KeyCodec.ID_BYTES); // same key, new namespace
          batch.put(handles.data, key, record);
          if (expiration != 0) {
            batch.put(handles.expiry, KeyCodec.expiryKey(expiration, key), EMPTY);
            lowestExpiration = Math.min(lowestExpiration, expiration);
          }
          bytes += key.length + record.length;
          if (bytes >= BATCH_BYTES) {
            write(batch, bytes);
            batch.clear();
            bytes = 0;
          }
        }
        if (!it.isValid()) {
          it.checkStatus();
        }
      }
      if (bytes > 0) {
        handles.diskSpace.admit(bytes, spaceUse);
      }
      catalog.publish(target, batch);
      published = true;
    } finally {
      if (!published) {
        discard(target);
      }
    }
    if (lowestExpiration != Long.MAX_VALUE) {
      sweep.indexed(lowestExpiration);
    }
    return target.namespace;
  }

  private void write(WriteBatch batch, long bytes) throws RocksDBException {
    handles.diskSpace.admit(bytes, spaceUse);
    handles.db.write(handles.writeOptions, batch);
  }

  /**
   * Deletes what a failed fork wrote and frees its title. Its expiry index entries are left to the
   * sweeper, which drops entries that name no record.
   */
  private void discard(RocksNamespaces.Space target) {
    try {
      handles.db.deleteRange(handles.data, target.id, KeyCodec.prefixEnd(target.id));
    } catch (RocksDBException | RuntimeException e) {
      log.warn(
          "Could not delete the records of failed fork {}; they are unreachable",
          target.namespace.id(),
          e);
    } finally {
      catalog.release(target);
    }
  }
}
