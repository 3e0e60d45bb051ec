package dev.flarekv.storage;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.KeyPage;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The storage SPI: namespaces and their key-value pairs, with expiration.
 *
 * <p>Contract shared by every engine (checked by {@code KvStoreContractTest}):
 *
 * <ul>
 *   <li>Inputs are already validated by {@code KvValidator}; the store only rejects what it alone
 *       can know (unknown namespace, duplicate title) with a {@link
 *       dev.flarekv.protocol.error.KvException}.
 *   <li>An entry is invisible to every read from the instant {@code now >= expiration} ({@link
 *       KvEntry#isExpiredAt}), whether or not the sweeper has run.
 *   <li>Keys are ordered by the unsigned bytes of their UTF-8 encoding.
 *   <li>A put replaces value, metadata and expiration together. Writes are durable once the call
 *       returns (write-ahead log), and visible to every later read (read-your-writes).
 *   <li>Key operations on a namespace that does not exist in the given account throw {@code
 *       NAMESPACE_NOT_FOUND}.
 *   <li>Engine failures surface as {@link StoreException} (unchecked).
 * </ul>
 *
 * Implementations are thread-safe. Calls may block on disk: never call them on an event loop.
 */
public interface KvStore extends AutoCloseable {
  /** How many keys {@link #forkNamespace}'s default copies per page. */
  int FORK_PAGE = 1000;

  /**
   * Creates a namespace with a fresh random 32-hex id.
   *
   * @throws dev.flarekv.protocol.error.KvException DUPLICATE_TITLE if the account already has a
   *     namespace with this title; TOO_MANY_NAMESPACES past {@code KvLimits.MAX_NAMESPACES}
   */
  Namespace createNamespace(String accountId, String title);

  /**
   * Creates a namespace with the given id (declarative seed files name their ids, so a Worker's
   * binding id stays the same across runs). The default refuses: an engine that can guarantee the
   * id is unique across accounts overrides it.
   *
   * @param id 32 lowercase hex characters, already validated
   * @throws dev.flarekv.protocol.error.KvException DUPLICATE_TITLE, TOO_MANY_NAMESPACES, or
   *     INVALID_REQUEST when another namespace (in any account) already has this id
   * @throws UnsupportedOperationException when the engine cannot create a namespace with a chosen
   *     id
   */
  default Namespace createNamespace(String accountId, String title, String id) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " cannot create a namespace with a chosen id");
  }

  /**
   * Every namespace of every account, in no particular order (resetting a server deletes them all).
   *
   * @throws UnsupportedOperationException when the engine cannot list across accounts
   */
  default List<Namespace> allNamespaces() {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " cannot list the namespaces of every account");
  }

  /** The namespace, if it exists and belongs to the account. */
  Optional<Namespace> namespace(NamespaceRef ref);

  /**
   * The namespace with this id, whichever account owns it. Ids are random 128-bit values, unique
   * across accounts; the binding surface uses this because workerd sends only the id.
   */
  Optional<Namespace> namespaceById(String namespaceId);

  /** All namespaces of the account, in no particular order. */
  List<Namespace> namespaces(String accountId);

  /**
   * Changes the title; the id and the data stay.
   *
   * @throws dev.flarekv.protocol.error.KvException NAMESPACE_NOT_FOUND, DUPLICATE_TITLE (renaming
   *     to its own current title succeeds)
   */
  Namespace renameNamespace(NamespaceRef ref, String title);

  /**
   * Deletes the namespace and every pair in it. A write racing with the delete never leaves pairs
   * behind.
   *
   * @throws dev.flarekv.protocol.error.KvException NAMESPACE_NOT_FOUND
   */
  void deleteNamespace(NamespaceRef ref);

  /**
   * Creates a namespace titled {@code title} in the source's account holding a copy of every live
   * key of {@code source}: value, metadata and expiration (absolute, unchanged). Expired keys are
   * not copied. The new namespace is independent of the source: later writes to one never show in
   * the other.
   *
   * <p>The default copies page by page ({@link #list}, {@link #getAll}, {@link #putAll}) into a
   * namespace it created first, so the new namespace is visible, partly filled, while the copy
   * runs; keys written to the source meanwhile may or may not be copied. On a failure it deletes
   * the new namespace. Engines that can do better (RocksDB: one consistent view of the source, and
   * the new namespace appears only once it is complete) override it.
   *
   * @return the new namespace
   * @throws dev.flarekv.protocol.error.KvException NAMESPACE_NOT_FOUND for the source,
   *     DUPLICATE_TITLE or TOO_MANY_NAMESPACES for the title (nothing is created then)
   */
  default Namespace forkNamespace(NamespaceRef source, String title) {
    if (namespace(source).isEmpty()) {
      throw ErrorCode.NAMESPACE_NOT_FOUND.exception("fork namespace: 'namespace not found'");
    }
    Namespace created = createNamespace(source.accountId(), title);
    try {
      String after = null;
      KeyPage page;
      do {
        page = list(source, "", after, FORK_PAGE);
        List<String> names = page.keys().stream().map(KeyInfo::name).toList();
        if (!names.isEmpty()) {
          putAll(created.ref(), List.copyOf(getAll(source, names).values()));
          after = names.get(names.size() - 1);
        }
      } while (!page.listComplete());
    } catch (RuntimeException e) {
      try {
        deleteNamespace(created.ref());
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    return created;
  }

  /** The live (unexpired) entry for the key. */
  Optional<KvEntry> get(NamespaceRef ref, String key);

  /**
   * The same answer as {@link #get}, but only when it can be given without blocking: from memory
   * (RocksDB: memtables and block cache), with no disk I/O, no network call and no lock wait. Safe
   * to call on an event loop, which is how the server answers hot reads without a thread hop.
   *
   * <p>Returns {@link ReadAttempt#WOULD_BLOCK} whenever in doubt, including for a namespace that
   * does not exist: the caller then uses {@link #get}, which reports errors. Never throws for
   * engine reasons. The default never answers.
   */
  default ReadAttempt getIfCached(NamespaceRef ref, String key) {
    return ReadAttempt.WOULD_BLOCK;
  }

  /**
   * The live entries for the keys (duplicates collapse); missing and expired keys are absent from
   * the map.
   */
  Map<String, KvEntry> getAll(NamespaceRef ref, Collection<String> keys);

  /** Stores the entry, replacing any previous value, metadata and expiration of the key. */
  void put(NamespaceRef ref, KvEntry entry);

  /** Stores all entries atomically (all or none). A key given twice ends with the later entry. */
  void putAll(NamespaceRef ref, List<KvEntry> entries);

  /** Deletes the key; deleting a missing key succeeds. */
  void delete(NamespaceRef ref, String key);

  /** Deletes all keys atomically; missing keys are ignored. */
  void deleteAll(NamespaceRef ref, Collection<String> keys);

  /**
   * Lists live keys starting with {@code prefix}, in UTF-8 byte order.
   *
   * @param prefix "" for all keys
   * @param startAfter when non-null, only keys strictly after this one are returned
   * @param limit the page size, 1..1000
   */
  KeyPage list(NamespaceRef ref, String prefix, String startAfter, int limit);

  /**
   * Physically removes up to {@code maxDeletes} expired entries, found through the expiry index
   * (never a full scan), in expiration order. An entry rewritten with a later or no expiration
   * since it was indexed is kept. Also drops index entries that no longer match a record.
   *
   * @return how many expired entries were deleted
   */
  int sweepExpired(int maxDeletes);

  /**
   * Diagnostic: how many engine iterators are open right now (RocksDB iterators pin memtables and
   * SST files, so a leak holds native memory). Back to 0 whenever no list or sweep is running.
   * Engines without native iterators report 0.
   */
  default long openIterators() {
    return 0;
  }

  /**
   * Why the store refuses writes of values right now (today: only a full disk, the text starts with
   * {@code "out of space"}), or empty while it takes them. Reads and deletes may still work; see
   * docs/reliability.md. Cheap enough for every health check, and never throws. Engines that never
   * refuse report empty.
   */
  default Optional<String> degradedReason() {
    return Optional.empty();
  }

  /**
   * Writes a consistent point-in-time copy of the whole store into {@code target}, a directory that
   * must not exist yet (its parent is created). The copy opens as a store of its own, for example
   * with {@code flarekv serve --data-dir target}. Writes keep running meanwhile; the copy holds
   * every write acknowledged before the call.
   *
   * @throws IllegalArgumentException when {@code target} already exists
   * @throws UnsupportedOperationException when the engine has no on-disk form to copy
   */
  default void checkpoint(Path target) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " cannot make checkpoints");
  }

  /** Flushes and releases everything; further calls throw {@link StoreException}. */
  @Override
  void close();
}
