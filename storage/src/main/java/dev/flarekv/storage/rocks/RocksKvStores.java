package dev.flarekv.storage.rocks;

import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.StoreConfig;
import dev.flarekv.storage.StoreException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Objects;
import org.rocksdb.RocksDBException;

/** Opens RocksDB-backed stores. The only public type of this package. */
public final class RocksKvStores {
  private RocksKvStores() {}

  /**
   * Opens the store in {@code dataDir}, creating the directory and an empty store if they do not
   * exist.
   *
   * @param clock the time source for expiry decisions and sweeps: the server's {@link
   *     dev.flarekv.storage.clock.KvClock}, or any {@code InstantSource} in tests
   * @throws StoreException with a one-line message naming the directory if it cannot be used (not a
   *     directory, not writable, damaged, locked by another process)
   */
  public static KvStore open(Path dataDir, StoreConfig config, InstantSource clock) {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    Path dir = dataDir.toAbsolutePath();
    RocksHandles handles = RocksHandles.open(dir, config);
    try {
      return new RocksKvStore(handles, clock);
    } catch (RocksDBException e) {
      handles.close();
      throw new StoreException("Cannot open store in " + dir + ": " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      handles.close();
      throw e;
    }
  }
}
