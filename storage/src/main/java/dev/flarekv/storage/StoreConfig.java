package dev.flarekv.storage;

/**
 * Tuning of a persistent store.
 *
 * @param syncWrites whether every write waits for an fsync of the write-ahead log. With {@code
 *     false} a write survives a process crash but may be lost in a power failure or OS crash.
 * @param blockCacheBytes the size of the shared block cache for reads, in bytes
 */
public record StoreConfig(boolean syncWrites, long blockCacheBytes) {

  /** 64 MiB of block cache. */
  public static final long DEFAULT_BLOCK_CACHE_BYTES = 64L * 1024 * 1024;

  public StoreConfig {
    if (blockCacheBytes <= 0) {
      throw new IllegalArgumentException("blockCacheBytes must be > 0: " + blockCacheBytes);
    }
  }

  /** Unsynced writes (WAL still on) and a 64 MiB block cache. */
  public static StoreConfig defaults() {
    return new StoreConfig(false, DEFAULT_BLOCK_CACHE_BYTES);
  }
}
