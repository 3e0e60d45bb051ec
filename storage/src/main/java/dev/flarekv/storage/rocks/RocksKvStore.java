package dev.flarekv.storage.rocks;

import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.KeyPage;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.ReadAttempt;
import dev.flarekv.storage.StoreException;
import dev.flarekv.storage.StripedLocks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RocksDB engine: key operations on top of {@link RocksHandles} (native objects), {@link
 * RocksNamespaces} (catalog) and {@link RocksExpirySweep} (physical expiry). Layout and invariants:
 * docs/storage-layout.md.
 *
 * <p>Locking, outermost first: {@link #lifecycle} (read side per call, write side in close), the
 * namespace lock (read side per key operation, write side when the namespace is deleted), then the
 * key stripes (writers and the sweeper, ascending order). Reads take no stripe.
 */
final class RocksKvStore implements KvStore {
  private static final Logger log = LoggerFactory.getLogger(RocksKvStore.class);
  private static final byte[] EMPTY = new byte[0];
  private static final int STRIPES = 1024;

  private final RocksHandles handles;
  private final InstantSource clock;
  private final RocksNamespaces catalog;
  private final StripedLocks stripes = new StripedLocks(STRIPES);
  private final TrackedIterator.Registry iterators = new TrackedIterator.Registry();
  private final RocksExpirySweep sweep;
  private final RocksSpaceUse spaceUse;
  private final RocksFork fork;
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed; // guarded by lifecycle

  RocksKvStore(RocksHandles handles, InstantSource clock) throws RocksDBException {
    this.handles = handles;
    this.clock = clock;
    this.catalog = RocksNamespaces.load(handles);
    this.sweep = new RocksExpirySweep(handles, stripes, iterators, clock);
    this.spaceUse = new RocksSpaceUse(handles);
    this.fork = new RocksFork(handles, catalog, iterators, sweep, spaceUse, clock);
  }

  /** A step that may fail inside RocksDB. */
  @FunctionalInterface
  interface Step<T> {
    T run() throws RocksDBException;
  }

  /** A key operation on a namespace that is known to exist for its whole duration. */
  @FunctionalInterface
  private interface SpaceStep<T> {
    T run(RocksNamespaces.Space space) throws RocksDBException;
  }

  // ---------------------------------------------------------------- namespaces

  @Override
  public Namespace createNamespace(String accountId, String title) {
    return call("create namespace", () -> catalog.create(accountId, title));
  }

  @Override
  public Namespace createNamespace(String accountId, String title, String id) {
    return call("create namespace", () -> catalog.create(accountId, title, id));
  }

  @Override
  public List<Namespace> allNamespaces() {
    return call("list namespaces", catalog::all);
  }

  @Override
  public Optional<Namespace> namespace(NamespaceRef ref) {
    return call(
        "get namespace",
        () -> Optional.ofNullable(catalog.find(ref)).map(space -> space.namespace));
  }

  @Override
  public Optional<Namespace> namespaceById(String namespaceId) {
    return call(
        "get namespace",
        () -> Optional.ofNullable(catalog.findById(namespaceId)).map(s -> s.namespace));
  }

  @Override
  public List<Namespace> namespaces(String accountId) {
    return call("list namespaces", () -> catalog.list(accountId));
  }

  @Override
  public Namespace renameNamespace(NamespaceRef ref, String title) {
    return call("rename namespace", () -> catalog.rename(ref, title));
  }

  @Override
  public void deleteNamespace(NamespaceRef ref) {
    call(
        "delete namespace",
        () -> {
          catalog.delete(ref);
          return null;
        });
  }

  /** A consistent copy that appears whole or not at all: see {@link RocksFork}. */
  @Override
  public Namespace forkNamespace(NamespaceRef source, String title) {
    return inNamespace(source, "fork namespace", space -> fork.fork(space, title));
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Optional<KvEntry> get(NamespaceRef ref, String key) {
    return inNamespace(
        ref,
        "get",
        space -> {
          byte[] record = handles.db.get(handles.data, KeyCodec.dataKey(space.id, key));
          return Optional.ofNullable(live(key, record, clock.millis()));
        });
  }

  /**
   * {@link #get} without blocking: only try-locks, and a read of the memtables and block cache
   * alone. A blob value (64 KiB and up) is never in the block cache, so it always takes the
   * blocking path, which also keeps large copies off the event loop.
   */
  @Override
  public ReadAttempt getIfCached(NamespaceRef ref, String key) {
    if (!lifecycle.readLock().tryLock()) {
      return ReadAttempt.WOULD_BLOCK;
    }
    try {
      RocksNamespaces.Space space = closed ? null : catalog.find(ref);
      if (space == null || !space.lock.readLock().tryLock()) {
        return ReadAttempt.WOULD_BLOCK;
      }
      try {
        if (space.deleted) {
          return ReadAttempt.WOULD_BLOCK;
        }
        byte[] record =
            handles.db.get(handles.data, handles.memoryOnlyReads, KeyCodec.dataKey(space.id, key));
        return ReadAttempt.of(live(key, record, clock.millis()));
      } catch (RocksDBException e) {
        // Incomplete: the answer is on disk. Any other failure is reported by the blocking get.
        return ReadAttempt.WOULD_BLOCK;
      } finally {
        space.lock.readLock().unlock();
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public Map<String, KvEntry> getAll(NamespaceRef ref, Collection<String> keys) {
    return inNamespace(
        ref,
        "bulk get keys",
        space -> {
          List<String> names = new ArrayList<>(new LinkedHashSet<>(keys));
          List<byte[]> dataKeys = new ArrayList<>(names.size());
          names.forEach(name -> dataKeys.add(KeyCodec.dataKey(space.id, name)));
          List<ColumnFamilyHandle> families = Collections.nCopies(names.size(), handles.data);
          List<byte[]> records = handles.db.multiGetAsList(families, dataKeys);
          long now = clock.millis();
          Map<String, KvEntry> result = new LinkedHashMap<>();
          for (int i = 0; i < names.size(); i++) {
            KvEntry entry = live(names.get(i), records.get(i), now);
            if (entry != null) {
              result.put(names.get(i), entry);
            }
          }
          return result;
        });
  }

  @Override
  public KeyPage list(NamespaceRef ref, String prefix, String startAfter, int limit) {
    return inNamespace(ref, "list keys", space -> listPage(space, prefix, startAfter, limit));
  }

  /**
   * Seeks to the first key after both the prefix start and {@code startAfter}, then reads only the
   * record headers (expiration and metadata) through a fixed buffer, never the values. One live key
   * beyond the page decides {@code listComplete}.
   */
  private KeyPage listPage(RocksNamespaces.Space space, String prefix, String startAfter, int limit)
      throws RocksDBException {
    long now = clock.millis();
    byte[] start = KeyCodec.dataKey(space.id, prefix);
    byte[] seek = start;
    if (startAfter != null) {
      byte[] after = KeyCodec.successor(KeyCodec.dataKey(space.id, startAfter));
      if (Arrays.compareUnsigned(after, start) > 0) {
        seek = after;
      }
    }
    List<KeyInfo> keys = new ArrayList<>(Math.min(limit, 1000));
    boolean complete = true;
    byte[] header = new byte[ValueCodec.HEADER_BUFFER_BYTES];
    try (Slice upper = new Slice(KeyCodec.prefixEnd(start));
        ReadOptions readOptions = new ReadOptions().setIterateUpperBound(upper);
        TrackedIterator it = iterators.open(handles.db, handles.data, readOptions)) {
      for (it.seek(seek); it.isValid(); it.next()) {
        int size = it.value(header);
        if (KvEntry.isExpiredAt(ValueCodec.expiration(header), now)) {
          continue;
        }
        if (keys.size() == limit) {
          complete = false;
          break;
        }
        String name = KeyCodec.keyName(it.key());
        KeyInfo info = ValueCodec.decodeKeyInfo(name, header, Math.min(size, header.length));
        keys.add(info != null ? info : ValueCodec.decodeKeyInfo(name, it.value(), size));
      }
      if (!it.isValid()) {
        it.checkStatus();
      }
    }
    return new KeyPage(keys, complete);
  }

  private static KvEntry live(String key, byte[] record, long nowMillis) {
    if (record == null || KvEntry.isExpiredAt(ValueCodec.expiration(record), nowMillis)) {
      return null;
    }
    return ValueCodec.decode(key, record);
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void put(NamespaceRef ref, KvEntry entry) {
    write(ref, "put", List.of(entry), List.of());
  }

  @Override
  public void putAll(NamespaceRef ref, List<KvEntry> entries) {
    write(ref, "bulk put keys", entries, List.of());
  }

  @Override
  public void delete(NamespaceRef ref, String key) {
    write(ref, "remove key", List.of(), List.of(key));
  }

  @Override
  public void deleteAll(NamespaceRef ref, Collection<String> keys) {
    write(ref, "bulk remove keys", List.of(), keys);
  }

  /**
   * Every write is one batch (atomic, WAL-logged) under the stripes of its keys, so the sweeper
   * never judges a record that is being replaced. Later entries for the same key win.
   */
  private void write(NamespaceRef ref, String op, List<KvEntry> puts, Collection<String> deletes) {
    inNamespace(
        ref,
        op,
        space -> {
          List<byte[]> dataKeys = new ArrayList<>(puts.size() + deletes.size());
          puts.forEach(entry -> dataKeys.add(KeyCodec.dataKey(space.id, entry.key())));
          deletes.forEach(key -> dataKeys.add(KeyCodec.dataKey(space.id, key)));
          long bytes = 0;
          for (int i = 0; i < puts.size(); i++) {
            bytes += ValueCodec.encodedLength(puts.get(i)) + dataKeys.get(i).length;
          }
          if (!puts.isEmpty()) {
            handles.diskSpace.admit(bytes, spaceUse);
          }
          long lowestExpiration = Long.MAX_VALUE;
          int[] held = stripes.lock(dataKeys);
          try (WriteBatch batch = new WriteBatch()) {
            for (int i = 0; i < puts.size(); i++) {
              KvEntry entry = puts.get(i);
              batch.put(handles.data, dataKeys.get(i), ValueCodec.encode(entry));
              if (entry.expires()) {
                batch.put(
                    handles.expiry, KeyCodec.expiryKey(entry.expiration(), dataKeys.get(i)), EMPTY);
                lowestExpiration = Math.min(lowestExpiration, entry.expiration());
              }
            }
            for (int i = puts.size(); i < dataKeys.size(); i++) {
              batch.delete(handles.data, dataKeys.get(i));
            }
            handles.db.write(handles.writeOptions, batch);
          } finally {
            stripes.unlock(held);
          }
          if (lowestExpiration != Long.MAX_VALUE) {
            sweep.indexed(lowestExpiration);
          }
          return null;
        });
  }

  @Override
  public int sweepExpired(int maxDeletes) {
    return call("sweeping expired keys", () -> sweep.sweep(maxDeletes));
  }

  // ---------------------------------------------------------------- backup

  /**
   * A RocksDB checkpoint: SST and blob files are hard-linked when {@code target} is on the same
   * file system (copied otherwise), the MANIFEST and OPTIONS are copied, and the memtables are
   * flushed first, so the copy needs no WAL replay and holds every acknowledged write. The copy is
   * private: its directories 0700 (missing parents of {@code target} too), its files 0600; a
   * hard-linked file shares that mode with the store's own copy.
   */
  @Override
  public void checkpoint(Path target) {
    Path dir = target.toAbsolutePath().normalize();
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException("checkpoint target " + dir + " already exists");
    }
    try {
      if (dir.getParent() != null) {
        PrivateFiles.createDirectories(dir.getParent());
      }
    } catch (IOException e) {
      throw new StoreException("Cannot create the parent of checkpoint " + dir + ": " + e, e);
    }
    call(
        "writing checkpoint " + dir,
        () -> {
          try (Checkpoint checkpoint = Checkpoint.create(handles.db)) {
            checkpoint.createCheckpoint(dir.toString());
          }
          return null;
        });
    try {
      PrivateFiles.restrictTree(dir);
    } catch (IOException | UncheckedIOException e) {
      throw new StoreException("Cannot make checkpoint " + dir + " private (0700/0600): " + e, e);
    }
  }

  // ---------------------------------------------------------------- lifecycle

  private <T> T inNamespace(NamespaceRef ref, String op, SpaceStep<T> step) {
    return call(
        op,
        () -> {
          RocksNamespaces.Space space = catalog.require(ref, op);
          space.lock.readLock().lock();
          try {
            if (space.deleted) {
              throw RocksNamespaces.notFound(op);
            }
            return step.run(space);
          } finally {
            space.lock.readLock().unlock();
          }
        });
  }

  /**
   * Runs {@code step} while the store is open (held open meanwhile), turning a RocksDB failure into
   * a {@link StoreException} that names {@code op}.
   */
  <T> T call(String op, Step<T> step) {
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new StoreException("store is closed", null);
      }
      return step.run();
    } catch (RocksDBException e) {
      StoreException wrapped = handles.wrap(op, e);
      if (wrapped.outOfSpace()) {
        handles.diskSpace.refusedByEngine();
      }
      throw wrapped;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Stops a running expiry sweep at its next chunk (and its compaction), waits for running calls,
   * syncs the WAL, closes leftover iterators, then the native handles.
   */
  @Override
  public void close() {
    sweep.cancel();
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        handles.db.flushWal(true);
      } catch (RocksDBException e) {
        log.warn("Could not sync the write-ahead log of store {}", handles.dir, e);
      }
      iterators.closeAll();
      sweep.close();
      handles.close();
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  /**
   * See {@link DiskSpaceGuard#degradedReason}; empty once the store is closed. A store that cannot
   * even read its free space is degraded for that reason.
   */
  @Override
  public Optional<String> degradedReason() {
    lifecycle.readLock().lock();
    try {
      return closed ? Optional.empty() : handles.diskSpace.degradedReason(spaceUse);
    } catch (StoreException e) {
      return Optional.of("out of space: cannot read the free space: " + e.getMessage());
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public long openIterators() {
    return iterators.size();
  }

  // ---------------------------------------------------------------- diagnostics

  /** The native handles, for {@code RocksDiagnostics} (tests). */
  RocksHandles handles() {
    return handles;
  }

  /** The registry of open iterators, for {@code RocksDiagnostics} (tests). */
  TrackedIterator.Registry iterators() {
    return iterators;
  }
}
