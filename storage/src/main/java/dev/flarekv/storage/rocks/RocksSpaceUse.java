package dev.flarekv.storage.rocks;

import java.util.List;
import org.rocksdb.FlushOptions;
import org.rocksdb.MutableColumnFamilyOptions;
import org.rocksdb.RocksDBException;

/** What {@link DiskSpaceGuard} asks of RocksDB: space still to be written, a flush, blob GC. */
final class RocksSpaceUse implements DiskSpaceGuard.Engine {
  private final RocksHandles handles;

  RocksSpaceUse(RocksHandles handles) {
    this.handles = handles;
  }

  @Override
  public long unflushedBytes() {
    return property("rocksdb.cur-size-all-mem-tables");
  }

  @Override
  public long compactionDebtBytes() {
    return property("rocksdb.estimate-pending-compaction-bytes");
  }

  @Override
  public long blobBytes() {
    return property("rocksdb.live-blob-file-size");
  }

  private long property(String name) {
    try {
      return handles.db.getAggregatedLongProperty(name);
    } catch (RocksDBException e) {
      throw handles.wrap("reading " + name, e);
    }
  }

  @Override
  public void flush() {
    try (FlushOptions options = new FlushOptions().setWaitForFlush(true)) {
      handles.db.flush(options, List.of(handles.namespaces, handles.data, handles.expiry));
    } catch (RocksDBException e) {
      throw handles.wrap("flushing to make room", e);
    }
  }

  @Override
  public void blobGarbageCollection(boolean on) {
    try {
      handles.db.setOptions(
          handles.data,
          MutableColumnFamilyOptions.builder().setEnableBlobGarbageCollection(on).build());
    } catch (RocksDBException e) {
      throw handles.wrap("switching blob garbage collection", e);
    }
  }
}
