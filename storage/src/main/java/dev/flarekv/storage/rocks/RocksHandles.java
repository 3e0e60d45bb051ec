package dev.flarekv.storage.rocks;

import dev.flarekv.storage.StoreConfig;
import dev.flarekv.storage.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.rocksdb.AbstractImmutableNativeReference;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.Env;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.MutableColumnFamilyOptions;
import org.rocksdb.Priority;
import org.rocksdb.ReadOptions;
import org.rocksdb.ReadTier;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every long-lived native object of one store: the database, its column families, their
 * options, the block cache, the bloom filter and the shared {@link WriteOptions}. Nothing else
 * creates or closes these; {@link #close()} releases them in the one order RocksDB accepts.
 */
final class RocksHandles implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RocksHandles.class);

  static final String NAMESPACES_CF = "namespaces";
  static final String DATA_CF = "data";
  static final String EXPIRY_CF = "expiry";

  /** Values at least this large go to blob files, so compactions do not rewrite them. */
  static final long MIN_BLOB_BYTES = 64L * 1024;

  private static final long WRITE_BUFFER_BYTES = 64L * 1024 * 1024;

  /**
   * The free space after which RocksDB resumes writing on its own once an ENOSPC stopped it.
   * RocksDB takes it from the largest write buffer the database is opened with, so every family is
   * opened with this write buffer and raised to its real size right after (docs/reliability.md).
   */
  static final long RESUME_FREE_BYTES = 4L * 1024 * 1024;

  private static final int MAX_OPEN_FILES = 512;

  static {
    RocksDB.loadLibrary();
  }

  final Path dir;
  final RocksDB db;
  final ColumnFamilyHandle namespaces;
  final ColumnFamilyHandle data;
  final ColumnFamilyHandle expiry;
  final WriteOptions writeOptions;

  /**
   * Reads that never do I/O: memtables and block cache only; anything else fails with status {@code
   * Incomplete}. Shared by all threads (a read only reads it).
   */
  final ReadOptions memoryOnlyReads;

  /** Free-space admission of writes and RocksDB's out-of-space state. */
  final DiskSpaceGuard diskSpace;

  private final ColumnFamilyHandle defaultFamily;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions defaultOptions;
  private final ColumnFamilyOptions dataOptions;
  private final ColumnFamilyOptions indexOptions;
  private final LRUCache blockCache;
  private final BloomFilter bloomFilter;
  private static final AtomicBoolean COMPACTION_PRIORITY_LOWERED = new AtomicBoolean();

  private RocksHandles(Path dir, StoreConfig config, List<AutoCloseable> created)
      throws RocksDBException {
    this.dir = dir;
    lowerCompactionPriorityOnce();
    blockCache = track(created, new LRUCache(config.blockCacheBytes()));
    bloomFilter = track(created, new BloomFilter(10));
    diskSpace = track(created, DiskSpaceGuard.forDirectory(dir));
    dbOptions =
        track(
            created,
            new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setMaxOpenFiles(MAX_OPEN_FILES)
                .setMaxBackgroundJobs(2)
                .setKeepLogFileNum(5)
                .setListeners(List.of(diskSpace))
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL));
    defaultOptions =
        track(created, new ColumnFamilyOptions().setWriteBufferSize(RESUME_FREE_BYTES));
    dataOptions =
        track(
            created,
            new ColumnFamilyOptions()
                .setWriteBufferSize(RESUME_FREE_BYTES)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(tableConfig(true))
                .setEnableBlobFiles(true)
                .setMinBlobSize(MIN_BLOB_BYTES)
                .setBlobCompressionType(CompressionType.LZ4_COMPRESSION)
                .setEnableBlobGarbageCollection(true));
    indexOptions =
        track(
            created,
            new ColumnFamilyOptions()
                .setWriteBufferSize(RESUME_FREE_BYTES)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(tableConfig(false)));
    writeOptions = track(created, new WriteOptions().setSync(config.syncWrites()));
    memoryOnlyReads = track(created, new ReadOptions().setReadTier(ReadTier.BLOCK_CACHE_TIER));

    List<ColumnFamilyDescriptor> descriptors =
        List.of(
            new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, defaultOptions),
            new ColumnFamilyDescriptor(bytes(NAMESPACES_CF), indexOptions),
            new ColumnFamilyDescriptor(bytes(DATA_CF), dataOptions),
            new ColumnFamilyDescriptor(bytes(EXPIRY_CF), indexOptions));
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
    created.add(db);
    created.addAll(handles);
    defaultFamily = handles.get(0);
    namespaces = handles.get(1);
    data = handles.get(2);
    expiry = handles.get(3);
    raiseWriteBuffers();
  }

  /**
   * The write buffers the store runs with (64 MiB, RocksDB's default, for every written family),
   * set once RocksDB has taken its resume threshold from the ones it was opened with.
   */
  private void raiseWriteBuffers() throws RocksDBException {
    for (ColumnFamilyHandle family : List.of(namespaces, data, expiry)) {
      db.setOptions(
          family,
          MutableColumnFamilyOptions.builder().setWriteBufferSize(WRITE_BUFFER_BYTES).build());
    }
  }

  /**
   * Compactions (RocksDB's LOW thread pool, shared by every store in the process) run at the lowest
   * CPU priority, so after a mass deletion or a bulk load they use idle CPU and do not take it from
   * request threads on a small machine. Flushes (HIGH pool) keep normal priority: a starved flush
   * would stall writes.
   */
  private static void lowerCompactionPriorityOnce() {
    if (COMPACTION_PRIORITY_LOWERED.compareAndSet(false, true)) {
      Env.getDefault().lowerThreadPoolCPUPriority(Priority.LOW);
    }
  }

  /** The block-based table format: shared cache; bloom filter only for point lookups on data. */
  private BlockBasedTableConfig tableConfig(boolean bloom) {
    BlockBasedTableConfig table =
        new BlockBasedTableConfig()
            .setBlockCache(blockCache)
            .setCacheIndexAndFilterBlocks(true)
            .setPinL0FilterAndIndexBlocksInCache(true);
    return bloom ? table.setFilterPolicy(bloomFilter) : table;
  }

  /**
   * Opens (or creates) the store in {@code dir}. Fails with one clear line naming the directory
   * when it cannot be used; never falls back to another location or to a fresh store.
   */
  static RocksHandles open(Path dir, StoreConfig config) {
    prepareDirectory(dir);
    List<AutoCloseable> created = new ArrayList<>();
    try {
      return new RocksHandles(dir, config, created);
    } catch (RocksDBException e) {
      closeQuietly(created);
      String reason = String.valueOf(e.getMessage());
      if (reason.contains("lock file")) {
        reason = "it is in use by another process (" + reason + ")";
      }
      throw new StoreException("Cannot open store in " + dir + ": " + reason, e, isOutOfSpace(e));
    } catch (RuntimeException | Error e) {
      closeQuietly(created);
      throw e;
    }
  }

  private static void prepareDirectory(Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new StoreException("Cannot open store in " + dir + ": not a directory", null);
    }
    boolean created;
    try {
      created = PrivateFiles.createDirectories(dir); // 0700, see docs/reliability.md
    } catch (IOException e) {
      throw new StoreException("Cannot create store directory " + dir + ": " + e, e);
    }
    if (!Files.isReadable(dir) || !Files.isWritable(dir)) {
      throw new StoreException(
          "Cannot open store in " + dir + ": directory is not writable" + whyNotWritable(dir),
          null);
    }
    // Without CURRENT, RocksDB would create a fresh database next to (and later delete) the files
    // of a damaged one. Refuse instead, so an operator can look at it.
    if (!Files.exists(dir.resolve("CURRENT")) && containsDatabaseFiles(dir)) {
      throw new StoreException(
          "Cannot open store in " + dir + ": database files present but CURRENT is missing", null);
    }
    if (!created) {
      PrivateFiles.warnIfOpenToOthers(dir);
    }
  }

  /**
   * The operating system's reason, found by trying to create a file: " (Read-only file system)".
   */
  private static String whyNotWritable(Path dir) {
    try {
      Files.delete(Files.createTempFile(dir, ".flarekv-write-check", ".tmp"));
      return "";
    } catch (AccessDeniedException e) {
      return " (Permission denied)";
    } catch (FileSystemException e) {
      return e.getReason() == null ? "" : " (" + e.getReason() + ")";
    } catch (IOException e) {
      return " (" + e + ")";
    }
  }

  private static boolean containsDatabaseFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(file -> file.getFileName().toString())
          .anyMatch(
              name ->
                  name.startsWith("MANIFEST-")
                      || name.endsWith(".sst")
                      || name.endsWith(".log")
                      || name.endsWith(".blob"));
    } catch (IOException e) {
      throw new StoreException("Cannot read store directory " + dir + ": " + e, e);
    }
  }

  /** Wraps an engine failure; RocksDBException never leaves this package. */
  StoreException wrap(String op, RocksDBException e) {
    return new StoreException("Error while " + op + " in store " + dir, e, isOutOfSpace(e));
  }

  static boolean isOutOfSpace(RocksDBException e) {
    Status status = e.getStatus();
    if (status != null && status.getSubCode() == Status.SubCode.NoSpace) {
      return true;
    }
    String text =
        (String.valueOf(e.getMessage()) + " " + (status == null ? "" : status.getState()))
            .toLowerCase(Locale.ROOT);
    return (status == null || status.getCode() == Status.Code.IOError)
        && (text.contains("no space") || text.contains("enospc"));
  }

  /** For tests: every native object owned here. */
  List<AbstractImmutableNativeReference> nativeHandles() {
    return List.of(
        expiry,
        data,
        namespaces,
        defaultFamily,
        db,
        writeOptions,
        memoryOnlyReads,
        dbOptions,
        defaultOptions,
        dataOptions,
        indexOptions,
        bloomFilter,
        diskSpace,
        blockCache);
  }

  /**
   * Important: do not rearrange. Column family handles must be closed before the database that
   * created them; the database before the options it was opened with; the column family options
   * before the cache and filter their table factories point to. WriteOptions is independent but
   * must outlive every write, so it goes after the database; the same for the memory-only
   * ReadOptions and reads.
   */
  @Override
  public void close() {
    flushForCleanShutdown();
    expiry.close();
    data.close();
    namespaces.close();
    defaultFamily.close();
    db.close();
    writeOptions.close();
    memoryOnlyReads.close();
    dbOptions.close();
    defaultOptions.close();
    dataOptions.close();
    indexOptions.close();
    bloomFilter.close();
    diskSpace.close();
    blockCache.close();
  }

  /**
   * Writes the memtables to SST files and syncs the WAL, so the next open replays no WAL and a
   * stopped server's data dir is complete on its own (backups, copies). Failures are logged, not
   * thrown: every acknowledged write is already in the WAL.
   */
  private void flushForCleanShutdown() {
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.flush(flush, List.of(namespaces, data, expiry));
      db.syncWal();
    } catch (RocksDBException e) {
      LOG.warn("flush on close failed; the write-ahead log will be replayed on the next start", e);
    }
    db.cancelAllBackgroundWork(true);
  }

  private static <T extends AutoCloseable> T track(List<AutoCloseable> created, T resource) {
    created.add(resource);
    return resource;
  }

  /** Closes in reverse creation order after a failed open. */
  private static void closeQuietly(List<AutoCloseable> created) {
    for (int i = created.size() - 1; i >= 0; i--) {
      try {
        created.get(i).close();
      } catch (Exception ignored) {
        // already failing; the original exception is the one to report
      }
    }
  }

  private static byte[] bytes(String name) {
    return name.getBytes(StandardCharsets.UTF_8);
  }
}
