package dev.flarekv.storage.memory;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.KeyPage;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.ReadAttempt;
import dev.flarekv.storage.StoreException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The reference engine: everything on the heap, nothing survives {@link #close()}. Used by the
 * contract tests and by server tests that do not care about persistence.
 *
 * <p>Keys are held as UTF-8 bytes in a skip list ordered by unsigned byte comparison, the same
 * order as RocksDB's bytewise comparator (docs/kv-semantics.md L1). Each namespace has a read-write
 * lock: single-key operations and reads take the read side, bulk writes and namespace deletion take
 * the write side, so a bulk write is seen whole or not at all. Expired entries are hidden on read
 * and removed by {@link #sweepExpired} through an expiry index ordered by expiration.
 */
public final class InMemoryKvStore implements KvStore {

  /** docs/kv-semantics.md N4: at most 1,000 namespaces per account. */
  static final int MAX_NAMESPACES_PER_ACCOUNT =
      dev.flarekv.protocol.validation.KvLimits.MAX_NAMESPACES;

  private static final Comparator<byte[]> UNSIGNED_BYTES = Arrays::compareUnsigned;

  private final InstantSource clock;
  private final Object catalogLock = new Object();
  private final Map<String, Space> spaces = new ConcurrentHashMap<>();
  private final ConcurrentSkipListSet<IndexEntry> expiryIndex =
      new ConcurrentSkipListSet<>(
          Comparator.comparingLong(IndexEntry::expiration)
              .thenComparing(IndexEntry::namespaceId)
              .thenComparing(IndexEntry::key, UNSIGNED_BYTES));
  private volatile boolean closed;

  /**
   * @param clock the time source for expiry decisions and sweeps: the server's {@link
   *     dev.flarekv.storage.clock.KvClock}, or any {@code InstantSource} in tests
   */
  public InMemoryKvStore(InstantSource clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A stored pair; compared by identity so the sweeper only removes the instance it inspected. */
  private static final class Stored {
    final byte[] value;
    final String metadata;
    final long expiration;

    Stored(KvEntry entry) {
      this.value = entry.value();
      this.metadata = entry.metadata();
      this.expiration = entry.expiration();
    }

    KvEntry entry(String key) {
      return new KvEntry(key, value, metadata, expiration);
    }
  }

  private record IndexEntry(long expiration, String namespaceId, byte[] key) {}

  /** One namespace: its data and the lock that makes bulk writes and deletion atomic. */
  private static final class Space {
    final ConcurrentSkipListMap<byte[], Stored> data = new ConcurrentSkipListMap<>(UNSIGNED_BYTES);
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    volatile Namespace namespace;
    boolean deleted; // guarded by the write lock

    Space(Namespace namespace) {
      this.namespace = namespace;
    }
  }

  // ---------------------------------------------------------------- namespaces

  @Override
  public Namespace createNamespace(String accountId, String title) {
    return createNamespace(accountId, title, null);
  }

  @Override
  public Namespace createNamespace(String accountId, String title, String chosenId) {
    ensureOpen();
    synchronized (catalogLock) {
      if (chosenId != null && spaces.containsKey(chosenId)) {
        throw ErrorCode.INVALID_REQUEST.exception(
            "A namespace with id " + chosenId + " already exists");
      }
      List<Namespace> owned = namespaces(accountId);
      if (owned.stream().anyMatch(ns -> ns.title().equals(title))) {
        throw ErrorCode.DUPLICATE_TITLE.exception();
      }
      if (owned.size() >= MAX_NAMESPACES_PER_ACCOUNT) {
        throw ErrorCode.TOO_MANY_NAMESPACES.exception();
      }
      String id = chosenId != null ? chosenId : UUID.randomUUID().toString().replace("-", "");
      Namespace created = new Namespace(id, accountId, title);
      spaces.put(id, new Space(created));
      return created;
    }
  }

  @Override
  public List<Namespace> allNamespaces() {
    ensureOpen();
    List<Namespace> result = new ArrayList<>();
    for (Space space : spaces.values()) {
      result.add(space.namespace);
    }
    return result;
  }

  @Override
  public Optional<Namespace> namespace(NamespaceRef ref) {
    ensureOpen();
    return Optional.ofNullable(find(ref)).map(space -> space.namespace);
  }

  @Override
  public Optional<Namespace> namespaceById(String namespaceId) {
    ensureOpen();
    return Optional.ofNullable(spaces.get(namespaceId)).map(space -> space.namespace);
  }

  @Override
  public List<Namespace> namespaces(String accountId) {
    ensureOpen();
    List<Namespace> result = new ArrayList<>();
    for (Space space : spaces.values()) {
      if (space.namespace.accountId().equals(accountId)) {
        result.add(space.namespace);
      }
    }
    return result;
  }

  @Override
  public Namespace renameNamespace(NamespaceRef ref, String title) {
    ensureOpen();
    synchronized (catalogLock) {
      Space space = require(ref, "rename namespace");
      if (space.namespace.title().equals(title)) {
        return space.namespace;
      }
      if (namespaces(ref.accountId()).stream().anyMatch(ns -> ns.title().equals(title))) {
        throw ErrorCode.DUPLICATE_TITLE.exception();
      }
      space.namespace = new Namespace(space.namespace.id(), space.namespace.accountId(), title);
      return space.namespace;
    }
  }

  @Override
  public void deleteNamespace(NamespaceRef ref) {
    ensureOpen();
    synchronized (catalogLock) {
      Space space = require(ref, "delete namespace");
      space.lock.writeLock().lock();
      try {
        space.deleted = true;
        spaces.remove(space.namespace.id());
        space.data.clear();
      } finally {
        space.lock.writeLock().unlock();
      }
    }
  }

  /**
   * Copies under the catalog lock and the source's write lock, so the copy is one consistent view
   * of the source and the new namespace appears whole.
   */
  @Override
  public Namespace forkNamespace(NamespaceRef source, String title) {
    ensureOpen();
    synchronized (catalogLock) {
      Space from = enter(source, "fork namespace", true);
      try {
        List<Namespace> owned = namespaces(source.accountId());
        if (owned.stream().anyMatch(ns -> ns.title().equals(title))) {
          throw ErrorCode.DUPLICATE_TITLE.exception();
        }
        if (owned.size() >= MAX_NAMESPACES_PER_ACCOUNT) {
          throw ErrorCode.TOO_MANY_NAMESPACES.exception();
        }
        String id = UUID.randomUUID().toString().replace("-", "");
        Space copy = new Space(new Namespace(id, source.accountId(), title));
        long now = clock.millis();
        for (Map.Entry<byte[], Stored> e : from.data.entrySet()) {
          Stored stored = e.getValue();
          if (!KvEntry.isExpiredAt(stored.expiration, now)) {
            copy.data.put(e.getKey(), stored);
            if (stored.expiration != 0) {
              expiryIndex.add(new IndexEntry(stored.expiration, id, e.getKey()));
            }
          }
        }
        spaces.put(id, copy);
        return copy.namespace;
      } finally {
        from.lock.writeLock().unlock();
      }
    }
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Optional<KvEntry> get(NamespaceRef ref, String key) {
    Space space = enter(ref, "get", false);
    try {
      return Optional.ofNullable(live(space, key));
    } finally {
      space.lock.readLock().unlock();
    }
  }

  /** Everything is in memory, so this answers unless a lock is taken or the store is closed. */
  @Override
  public ReadAttempt getIfCached(NamespaceRef ref, String key) {
    Space space = closed ? null : find(ref);
    if (space == null || !space.lock.readLock().tryLock()) {
      return ReadAttempt.WOULD_BLOCK;
    }
    try {
      return space.deleted ? ReadAttempt.WOULD_BLOCK : ReadAttempt.of(live(space, key));
    } finally {
      space.lock.readLock().unlock();
    }
  }

  @Override
  public Map<String, KvEntry> getAll(NamespaceRef ref, Collection<String> keys) {
    Space space = enter(ref, "bulk get keys", false);
    try {
      Map<String, KvEntry> result = new LinkedHashMap<>();
      for (String key : new LinkedHashSet<>(keys)) {
        KvEntry entry = live(space, key);
        if (entry != null) {
          result.put(key, entry);
        }
      }
      return result;
    } finally {
      space.lock.readLock().unlock();
    }
  }

  @Override
  public KeyPage list(NamespaceRef ref, String prefix, String startAfter, int limit) {
    Space space = enter(ref, "list keys", false);
    try {
      long now = clock.millis();
      byte[] prefixBytes = utf8(prefix);
      ConcurrentNavigableMap<byte[], Stored> tail = space.data.tailMap(prefixBytes, true);
      if (startAfter != null) {
        byte[] after = utf8(startAfter);
        if (UNSIGNED_BYTES.compare(after, prefixBytes) >= 0) {
          tail = space.data.tailMap(after, false);
        }
      }
      List<KeyInfo> keys = new ArrayList<>();
      boolean complete = true;
      for (Map.Entry<byte[], Stored> e : tail.entrySet()) {
        if (!startsWith(e.getKey(), prefixBytes)) {
          break;
        }
        Stored stored = e.getValue();
        if (KvEntry.isExpiredAt(stored.expiration, now)) {
          continue;
        }
        if (keys.size() == limit) {
          complete = false;
          break;
        }
        String name = new String(e.getKey(), StandardCharsets.UTF_8);
        keys.add(new KeyInfo(name, stored.expiration, stored.metadata));
      }
      return new KeyPage(keys, complete);
    } finally {
      space.lock.readLock().unlock();
    }
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void put(NamespaceRef ref, KvEntry entry) {
    Space space = enter(ref, "put", false);
    try {
      store(space, entry);
    } finally {
      space.lock.readLock().unlock();
    }
  }

  @Override
  public void putAll(NamespaceRef ref, List<KvEntry> entries) {
    Space space = enter(ref, "bulk put keys", true);
    try {
      entries.forEach(entry -> store(space, entry));
    } finally {
      space.lock.writeLock().unlock();
    }
  }

  @Override
  public void delete(NamespaceRef ref, String key) {
    Space space = enter(ref, "remove key", false);
    try {
      space.data.remove(utf8(key));
    } finally {
      space.lock.readLock().unlock();
    }
  }

  @Override
  public void deleteAll(NamespaceRef ref, Collection<String> keys) {
    Space space = enter(ref, "bulk remove keys", true);
    try {
      keys.forEach(key -> space.data.remove(utf8(key)));
    } finally {
      space.lock.writeLock().unlock();
    }
  }

  @Override
  public int sweepExpired(int maxDeletes) {
    ensureOpen();
    long now = clock.millis();
    int deleted = 0;
    Iterator<IndexEntry> index = expiryIndex.iterator();
    while (deleted < maxDeletes && index.hasNext()) {
      IndexEntry first = index.next();
      if (!KvEntry.isExpiredAt(first.expiration(), now)) {
        break;
      }
      index.remove();
      Space space = spaces.get(first.namespaceId());
      if (space == null) {
        continue;
      }
      Stored stored = space.data.get(first.key());
      // remove(key, value) compares by identity: a concurrent rewrite wins over the sweep.
      if (stored != null
          && stored.expiration == first.expiration()
          && space.data.remove(first.key(), stored)) {
        deleted++;
      }
    }
    return deleted;
  }

  @Override
  public void close() {
    closed = true;
    spaces.clear();
    expiryIndex.clear();
  }

  // ---------------------------------------------------------------- helpers

  private void store(Space space, KvEntry entry) {
    byte[] key = utf8(entry.key());
    space.data.put(key, new Stored(entry));
    if (entry.expires()) {
      expiryIndex.add(new IndexEntry(entry.expiration(), space.namespace.id(), key));
    }
  }

  private KvEntry live(Space space, String key) {
    Stored stored = space.data.get(utf8(key));
    if (stored == null || KvEntry.isExpiredAt(stored.expiration, clock.millis())) {
      return null;
    }
    return stored.entry(key);
  }

  /** Finds the namespace and takes its lock (write side if {@code exclusive}); caller unlocks. */
  private Space enter(NamespaceRef ref, String op, boolean exclusive) {
    ensureOpen();
    Space space = require(ref, op);
    Lock lock = exclusive ? space.lock.writeLock() : space.lock.readLock();
    lock.lock();
    if (space.deleted) {
      lock.unlock();
      throw notFound(op);
    }
    return space;
  }

  private Space require(NamespaceRef ref, String op) {
    Space space = find(ref);
    if (space == null) {
      throw notFound(op);
    }
    return space;
  }

  private Space find(NamespaceRef ref) {
    Space space = spaces.get(ref.namespaceId());
    return space != null && space.namespace.accountId().equals(ref.accountId()) ? space : null;
  }

  private static RuntimeException notFound(String op) {
    return ErrorCode.NAMESPACE_NOT_FOUND.exception(op + ": 'namespace not found'");
  }

  private void ensureOpen() {
    if (closed) {
      throw new StoreException("store is closed", null);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** For tests: the number of stored records, expired ones included. */
  int rawSize() {
    return spaces.values().stream().mapToInt(space -> space.data.size()).sum();
  }
}
