package dev.flarekv.storage.rocks;

import dev.flarekv.storage.KvStore;
import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.PerfContext;
import org.rocksdb.PerfLevel;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;

/**
 * What tests look at below the {@link KvStore} contract of a RocksDB store: raw record and index
 * counts (expired records included), SST sizes, flushes, the tombstones a piece of work stepped
 * over, and the tracked iterators. Every read runs while the store is held open, as its own calls
 * do.
 */
final class RocksDiagnostics {
  private static final byte[] EMPTY = new byte[0];

  private final RocksKvStore store;
  private final RocksHandles handles;

  private RocksDiagnostics(RocksKvStore store) {
    this.store = store;
    this.handles = store.handles();
  }

  /** Diagnostics of {@code store}, which must come from {@link RocksKvStores#open}. */
  static RocksDiagnostics of(KvStore store) {
    return new RocksDiagnostics((RocksKvStore) store);
  }

  RocksHandles handles() {
    return handles;
  }

  /**
   * Runs {@code work} on this thread and returns how many tombstones RocksDB stepped over in it.
   */
  long deletesSkippedBy(Runnable work) {
    handles.db.setPerfLevel(PerfLevel.ENABLE_COUNT);
    try {
      PerfContext perf = handles.db.getPerfContext();
      perf.reset();
      work.run();
      return perf.getInternalDeleteSkippedCount();
    } finally {
      handles.db.setPerfLevel(PerfLevel.DISABLE);
    }
  }

  int openIteratorCount() {
    return store.iterators().size();
  }

  /** Opens a tracked iterator on the data column family; the caller closes it. */
  TrackedIterator openDataIterator(ReadOptions readOptions) {
    return store.iterators().open(handles.db, handles.data, readOptions);
  }

  /** Records in the data column family, expired ones included. */
  long rawDataCount() {
    return store.call("counting records", () -> count(handles.data));
  }

  /** Entries in the expiry index. */
  long rawIndexCount() {
    return store.call("counting index entries", () -> count(handles.expiry));
  }

  private long count(ColumnFamilyHandle family) throws RocksDBException {
    long n = 0;
    try (ReadOptions readOptions = new ReadOptions().setFillCache(false);
        TrackedIterator it = store.iterators().open(handles.db, family, readOptions)) {
      it.seek(EMPTY);
      for (; it.isValid(); it.next()) {
        n++;
      }
      it.checkStatus();
    }
    return n;
  }

  /** Live SST bytes of the data and expiry column families. */
  long sstBytes() {
    return store.call(
        "reading sst size",
        () ->
            handles.db.getLongProperty(handles.data, "rocksdb.total-sst-files-size")
                + handles.db.getLongProperty(handles.expiry, "rocksdb.total-sst-files-size"));
  }

  /** Flushes the memtables to SST files. */
  void flush() {
    store.call(
        "flushing",
        () -> {
          try (FlushOptions options = new FlushOptions().setWaitForFlush(true)) {
            handles.db.flush(options, List.of(handles.data, handles.expiry));
          }
          return null;
        });
  }
}
