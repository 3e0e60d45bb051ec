package dev.flarekv.storage.rocks;

import dev.flarekv.storage.StoreException;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.AbstractEventListener;
import org.rocksdb.BackgroundErrorReason;
import org.rocksdb.Status;

/**
 * Keeps RocksDB away from a full disk, so that deletes, namespace deletes and backups still fit
 * when values no longer do (docs/reliability.md, "Full disk during writes").
 *
 * <p>A write that adds values is admitted only if, after it, the file system keeps {@link
 * #reserveBytes} free on top of what background work will still write: the memtables' contents
 * (already in the write-ahead log, written once more as SST and blob files at the next flush), the
 * new values twice (log now, table files at the flush) and RocksDB's estimate of the bytes pending
 * compactions will rewrite. When a write does not fit and the memtables hold data, they are flushed
 * first and the check is made once more: near a full disk the store trades big flushes for smaller
 * ones instead of refusing early. Deletes are never held back here; they are small and the reserve
 * is there for them.
 *
 * <p>Blob garbage collection (compactions copying the live values out of the oldest quarter of the
 * blob files) is the one background job that can write much more than that estimate, so it is
 * switched off while the free space does not also cover a quarter of the blob files, and on again
 * once it does.
 *
 * <p>It also follows RocksDB's own state through an event listener: after an ENOSPC that it did see
 * (another process filled the disk), RocksDB stops all writes until its SstFileManager finds enough
 * free space and resumes it; {@link #degradedReason} reports that meanwhile.
 */
final class DiskSpaceGuard extends AbstractEventListener {
  private static final long MIB = 1024L * 1024;

  /** The reserve's floor: room for a maximal bulk delete's log and its flush. */
  static final long MIN_RESERVE_BYTES = 8 * MIB;

  /** The reserve's ceiling. */
  static final long MAX_RESERVE_BYTES = 256 * MIB;

  /** Above this much free space a write is admitted without asking RocksDB for memtable sizes. */
  private static final long PLENTY_BYTES = 1024 * MIB;

  /** What the guard needs from the engine; every call may throw an engine StoreException. */
  interface Engine {
    /** Bytes in the memtables, which the next flushes write to table files. */
    long unflushedBytes();

    /** RocksDB's estimate of the bytes pending compactions will rewrite. */
    long compactionDebtBytes();

    /** Bytes of the live blob files. */
    long blobBytes();

    /** Flushes every memtable and waits. */
    void flush();

    /** Switches blob garbage collection on or off. */
    void blobGarbageCollection(boolean on);
  }

  private final Path dir;
  private final FileStore fileStore;
  private final long reserveBytes;
  private final Object flushLock = new Object();
  private final AtomicBoolean refusing = new AtomicBoolean();
  private final AtomicBoolean blobGcOn = new AtomicBoolean(true);
  private volatile String engineError;

  private DiskSpaceGuard(Path dir, FileStore fileStore, long reserveBytes) {
    super(
        EnabledEventCallback.ON_BACKGROUND_ERROR, EnabledEventCallback.ON_ERROR_RECOVERY_COMPLETED);
    this.dir = dir;
    this.fileStore = fileStore;
    this.reserveBytes = reserveBytes;
  }

  /** A guard for the file system of {@code dir}: reserve 1% of it, within the floor and ceiling. */
  static DiskSpaceGuard forDirectory(Path dir) {
    try {
      FileStore store = Files.getFileStore(dir);
      long reserve =
          Math.min(MAX_RESERVE_BYTES, Math.max(MIN_RESERVE_BYTES, store.getTotalSpace() / 100));
      return new DiskSpaceGuard(dir, store, reserve);
    } catch (IOException e) {
      throw new StoreException("Cannot read the free space of " + dir + ": " + e, e);
    }
  }

  long reserveBytes() {
    return reserveBytes;
  }

  /**
   * Admits a write of {@code valueBytes} new bytes, or throws an out-of-space {@link
   * StoreException}.
   */
  void admit(long valueBytes, Engine engine) {
    long free = freeBytes();
    if (free - 2 * valueBytes >= PLENTY_BYTES + reserveBytes) {
      refusing.set(false);
      blobGarbageCollection(engine, true);
      return;
    }
    long pending = pendingBytes(engine);
    if (!fits(free, pending, valueBytes)) {
      synchronized (flushLock) {
        // a concurrent writer may have flushed meanwhile
        free = freeBytes();
        pending = pendingBytes(engine);
        long unflushed = engine.unflushedBytes();
        if (!fits(free, pending, valueBytes)
            && fits(free, pending - unflushed, valueBytes)
            && free - reserveBytes >= unflushed) {
          engine.flush();
          free = freeBytes();
          pending = pendingBytes(engine);
        }
      }
    }
    blobGarbageCollection(engine, free - pending - reserveBytes >= engine.blobBytes() / 4);
    if (fits(free, pending, valueBytes)) {
      refusing.set(false);
      return;
    }
    refusing.set(true);
    throw new StoreException(
        String.format(
            Locale.ROOT,
            "Not enough free space in %s for a write of %s: %s free, %s for flushes and"
                + " compactions to come, %s kept in reserve for deletes",
            dir,
            mib(valueBytes),
            mib(free),
            mib(pending),
            mib(reserveBytes)),
        null,
        true);
  }

  private static long pendingBytes(Engine engine) {
    return engine.unflushedBytes() + engine.compactionDebtBytes();
  }

  private boolean fits(long free, long pending, long valueBytes) {
    return free - pending - 2 * valueBytes >= reserveBytes;
  }

  private void blobGarbageCollection(Engine engine, boolean on) {
    if (blobGcOn.compareAndSet(!on, on)) {
      engine.blobGarbageCollection(on);
    }
  }

  /** Notes a write that RocksDB itself refused for lack of space. */
  void refusedByEngine() {
    refusing.set(true);
  }

  /**
   * Why writes are refused right now, or empty. A refusal ends as soon as a write is admitted or
   * the free space covers the reserve and the memtables again (no write needed to notice).
   */
  Optional<String> degradedReason(Engine engine) {
    String error = engineError;
    if (error != null) {
      return Optional.of(
          "out of space: the storage engine stopped writing ("
              + error
              + "); it resumes on its own within 5 s of "
              + mib(RocksHandles.RESUME_FREE_BYTES)
              + " being free, "
              + mib(freeBytes())
              + " free now");
    }
    if (refusing.get()) {
      long free = freeBytes();
      long pending = pendingBytes(engine);
      if (fits(free, pending, MIB)) {
        refusing.set(false);
        return Optional.empty();
      }
      return Optional.of(
          "out of space: writes of values are refused while less than "
              + mib(reserveBytes + pending + 2 * MIB)
              + " is free ("
              + mib(free)
              + " free now, "
              + mib(reserveBytes)
              + " kept in reserve for deletes); reads and deletes work");
    }
    return Optional.empty();
  }

  private long freeBytes() {
    try {
      return fileStore.getUsableSpace();
    } catch (IOException e) {
      throw new StoreException("Cannot read the free space of " + dir + ": " + e, e);
    }
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
  }

  // ------------------------------------------------------- RocksDB callbacks (its own threads)

  @Override
  public void onBackgroundError(BackgroundErrorReason reason, Status status) {
    if (status != null && status.getSubCode() == Status.SubCode.NoSpace) {
      // reason and code only: the state names files, and /healthz is unauthenticated
      engineError = reason + ": " + status.getCodeString() + ", no space left on device";
    }
  }

  @Override
  public void onErrorRecoveryCompleted(Status oldBackgroundError) {
    engineError = null;
  }
}
