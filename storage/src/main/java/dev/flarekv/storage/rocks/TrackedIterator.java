package dev.flarekv.storage.rocks;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RocksIterator} registered with the store while it is open, so that closing the store can
 * release iterators a caller forgot (with a warning) instead of freeing the database under them.
 * Using it after {@link #close()} throws rather than reading freed native memory.
 */
final class TrackedIterator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TrackedIterator.class);

  /** The open iterators of one store. */
  static final class Registry {
    private final Set<TrackedIterator> open = ConcurrentHashMap.newKeySet();

    TrackedIterator open(RocksDB db, ColumnFamilyHandle family, ReadOptions readOptions) {
      TrackedIterator it = new TrackedIterator(db.newIterator(family, readOptions), this);
      open.add(it);
      return it;
    }

    int size() {
      return open.size();
    }

    /** Closes the leftovers; called by the store's close() once no operation is running. */
    void closeAll() {
      if (!open.isEmpty()) {
        log.warn("Closing {} iterator(s) still open at store shutdown", open.size());
        open.forEach(TrackedIterator::close);
      }
    }
  }

  private final RocksIterator iterator;
  private final Registry registry;
  private volatile boolean closed;

  private TrackedIterator(RocksIterator iterator, Registry registry) {
    this.iterator = iterator;
    this.registry = registry;
  }

  void seek(byte[] target) {
    live().seek(target);
  }

  boolean isValid() {
    return live().isValid();
  }

  void next() {
    live().next();
  }

  byte[] key() {
    return live().key();
  }

  byte[] value() {
    return live().value();
  }

  /** Copies up to {@code buffer.length} bytes of the value; returns the full value length. */
  int value(byte[] buffer) {
    return live().value(buffer, 0, buffer.length);
  }

  /** Throws the error that ended the iteration, if any. Call when {@link #isValid()} is false. */
  void checkStatus() throws RocksDBException {
    live().status();
  }

  private RocksIterator live() {
    if (closed) {
      throw new IllegalStateException("iterator is closed");
    }
    return iterator;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      registry.open.remove(this);
      iterator.close();
    }
  }
}
