package dev.flarekv.storage.rocks;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.storage.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * The namespace catalog: a copy of the {@code namespaces} column family held in memory (loaded at
 * open), written through on every change. Create, rename and delete run under one catalog lock,
 * which makes the per-account title and count checks race-free.
 *
 * <p>Record value: {@code version(1) ++ accountIdLength(2, big-endian) ++ utf8(accountId) ++
 * utf8(title)}.
 */
final class RocksNamespaces {
  /** docs/kv-semantics.md N4: at most 1,000 namespaces per account. */
  static final int MAX_NAMESPACES_PER_ACCOUNT =
      dev.flarekv.protocol.validation.KvLimits.MAX_NAMESPACES;

  private static final byte RECORD_VERSION = 1;

  /**
   * One live namespace. Key operations hold the read side of {@link #lock} from the existence check
   * to the end of their write; deletion takes the write side and sets {@link #deleted}, so no write
   * can land after the namespace's range was deleted.
   */
  static final class Space {
    final byte[] id;
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    volatile Namespace namespace;
    boolean deleted; // guarded by lock

    Space(byte[] id, Namespace namespace) {
      this.id = id;
      this.namespace = namespace;
    }
  }

  private final RocksHandles handles;
  private final SecureRandom random = new SecureRandom();
  private final ReentrantLock catalogLock = new ReentrantLock();
  private final Map<String, Space> byId = new ConcurrentHashMap<>();
  // account id -> title -> space; guarded by catalogLock
  private final Map<String, Map<String, Space>> byAccount = new HashMap<>();
  // ids of reserved namespaces not yet published; guarded by catalogLock
  private final Set<String> pending = new HashSet<>();

  private RocksNamespaces(RocksHandles handles) {
    this.handles = handles;
  }

  static RocksNamespaces load(RocksHandles handles) throws RocksDBException {
    RocksNamespaces catalog = new RocksNamespaces(handles);
    try (ReadOptions readOptions = new ReadOptions();
        RocksIterator it = handles.db.newIterator(handles.namespaces, readOptions)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] id = it.key();
        catalog.add(new Space(id, decode(KeyCodec.formatId(id), it.value())));
      }
      it.status();
    }
    return catalog;
  }

  /** The namespace if it exists in the account, else null. */
  Space findById(String namespaceId) {
    return byId.get(namespaceId);
  }

  Space find(NamespaceRef ref) {
    Space space = byId.get(ref.namespaceId());
    return space != null && space.namespace.accountId().equals(ref.accountId()) ? space : null;
  }

  Space require(NamespaceRef ref, String op) {
    Space space = find(ref);
    if (space == null) {
      throw notFound(op);
    }
    return space;
  }

  static KvException notFound(String op) {
    return ErrorCode.NAMESPACE_NOT_FOUND.exception(op + ": 'namespace not found'");
  }

  List<Namespace> all() {
    List<Namespace> result = new ArrayList<>();
    for (Space space : byId.values()) {
      result.add(space.namespace);
    }
    return result;
  }

  List<Namespace> list(String accountId) {
    List<Namespace> result = new ArrayList<>();
    for (Space space : byId.values()) {
      if (space.namespace.accountId().equals(accountId)) {
        result.add(space.namespace);
      }
    }
    return result;
  }

  Namespace create(String accountId, String title) throws RocksDBException {
    return create(accountId, title, null);
  }

  /** Creates with {@code chosenId} (32 lowercase hex characters), or a random id when null. */
  Namespace create(String accountId, String title, String chosenId) throws RocksDBException {
    catalogLock.lock();
    try {
      requireRoomFor(accountId, title);
      Space space =
          chosenId == null ? newSpace(accountId, title) : chosenSpace(accountId, title, chosenId);
      handles.db.put(handles.namespaces, handles.writeOptions, space.id, encode(space.namespace));
      add(space);
      return space.namespace;
    } finally {
      catalogLock.unlock();
    }
  }

  /**
   * Holds a title for a namespace that is being filled (a fork): creating or renaming another
   * namespace to it is refused as a duplicate, but nothing finds the namespace by id or lists it
   * until {@link #publish}. Every reservation ends in {@link #publish} or {@link #release}.
   *
   * @throws KvException DUPLICATE_TITLE, TOO_MANY_NAMESPACES
   */
  Space reserve(String accountId, String title) {
    catalogLock.lock();
    try {
      requireRoomFor(accountId, title);
      Space space = newSpace(accountId, title);
      pending.add(space.namespace.id());
      byAccount.computeIfAbsent(accountId, account -> new HashMap<>()).put(title, space);
      return space;
    } finally {
      catalogLock.unlock();
    }
  }

  /**
   * Makes a reserved namespace visible: writes its record with {@code lastBatch} (the batch's other
   * records land with it, atomically), then lists it.
   */
  void publish(Space reserved, WriteBatch lastBatch) throws RocksDBException {
    catalogLock.lock();
    try {
      lastBatch.put(handles.namespaces, reserved.id, encode(reserved.namespace));
      handles.db.write(handles.writeOptions, lastBatch);
      byId.put(reserved.namespace.id(), reserved);
      pending.remove(reserved.namespace.id());
    } finally {
      catalogLock.unlock();
    }
  }

  /** Gives up a reservation that was not published: its title is free again. */
  void release(Space reserved) {
    catalogLock.lock();
    try {
      Map<String, Space> owned = byAccount.get(reserved.namespace.accountId());
      if (owned != null) {
        owned.remove(reserved.namespace.title(), reserved);
      }
      pending.remove(reserved.namespace.id());
    } finally {
      catalogLock.unlock();
    }
  }

  /**
   * Refuses a new namespace (created or reserved) the account has no room for: its title is taken,
   * or it holds the most namespaces an account may. Called under the catalog lock.
   *
   * @throws KvException DUPLICATE_TITLE, TOO_MANY_NAMESPACES
   */
  private void requireRoomFor(String accountId, String title) {
    Map<String, Space> owned = byAccount.getOrDefault(accountId, Map.of());
    if (owned.containsKey(title)) {
      throw ErrorCode.DUPLICATE_TITLE.exception();
    }
    if (owned.size() >= MAX_NAMESPACES_PER_ACCOUNT) {
      throw ErrorCode.TOO_MANY_NAMESPACES.exception();
    }
  }

  /** A space with the caller's id, refused when a namespace, published or reserved, has it. */
  private Space chosenSpace(String accountId, String title, String chosenId) {
    if (byId.containsKey(chosenId) || pending.contains(chosenId)) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "A namespace with id " + chosenId + " already exists");
    }
    return new Space(HexFormat.of().parseHex(chosenId), new Namespace(chosenId, accountId, title));
  }

  /** A space with a fresh random id that no namespace, published or reserved, has. */
  private Space newSpace(String accountId, String title) {
    byte[] id = new byte[KeyCodec.ID_BYTES];
    String hex;
    do {
      random.nextBytes(id);
      hex = KeyCodec.formatId(id);
    } while (byId.containsKey(hex) || pending.contains(hex));
    return new Space(id, new Namespace(hex, accountId, title));
  }

  Namespace rename(NamespaceRef ref, String title) throws RocksDBException {
    catalogLock.lock();
    try {
      Space space = require(ref, "rename namespace");
      Namespace old = space.namespace;
      if (old.title().equals(title)) {
        return old;
      }
      Map<String, Space> owned = byAccount.get(old.accountId());
      if (owned.containsKey(title)) {
        throw ErrorCode.DUPLICATE_TITLE.exception();
      }
      Namespace renamed = new Namespace(old.id(), old.accountId(), title);
      handles.db.put(handles.namespaces, handles.writeOptions, space.id, encode(renamed));
      owned.remove(old.title());
      owned.put(title, space);
      space.namespace = renamed;
      return renamed;
    } finally {
      catalogLock.unlock();
    }
  }

  /**
   * Removes the namespace record and every data record of the namespace in one atomic batch. Index
   * entries of the deleted records are left to the sweeper, which drops them when it finds no
   * record.
   */
  void delete(NamespaceRef ref) throws RocksDBException {
    catalogLock.lock();
    try {
      Space space = require(ref, "delete namespace");
      space.lock.writeLock().lock();
      try (WriteBatch batch = new WriteBatch()) {
        batch.deleteRange(handles.data, space.id, KeyCodec.prefixEnd(space.id));
        batch.delete(handles.namespaces, space.id);
        handles.db.write(handles.writeOptions, batch);
        space.deleted = true;
        byId.remove(space.namespace.id());
        byAccount.get(space.namespace.accountId()).remove(space.namespace.title());
      } finally {
        space.lock.writeLock().unlock();
      }
    } finally {
      catalogLock.unlock();
    }
  }

  private void add(Space space) {
    byId.put(space.namespace.id(), space);
    byAccount
        .computeIfAbsent(space.namespace.accountId(), account -> new HashMap<>())
        .put(space.namespace.title(), space);
  }

  static byte[] encode(Namespace namespace) {
    byte[] account = namespace.accountId().getBytes(StandardCharsets.UTF_8);
    byte[] title = namespace.title().getBytes(StandardCharsets.UTF_8);
    if (account.length > 0xFFFF) {
      throw new IllegalArgumentException("account id too long: " + account.length + " bytes");
    }
    byte[] record = new byte[3 + account.length + title.length];
    record[0] = RECORD_VERSION;
    record[1] = (byte) (account.length >>> 8);
    record[2] = (byte) account.length;
    System.arraycopy(account, 0, record, 3, account.length);
    System.arraycopy(title, 0, record, 3 + account.length, title.length);
    return record;
  }

  static Namespace decode(String id, byte[] record) {
    if (record.length < 3 || record[0] != RECORD_VERSION) {
      throw new StoreException("Unsupported namespace record for " + id, null);
    }
    int accountLength = (record[1] & 0xFF) << 8 | (record[2] & 0xFF);
    String account = new String(record, 3, accountLength, StandardCharsets.UTF_8);
    int titleOffset = 3 + accountLength;
    String title =
        new String(record, titleOffset, record.length - titleOffset, StandardCharsets.UTF_8);
    return new Namespace(id, account, title);
  }
}
