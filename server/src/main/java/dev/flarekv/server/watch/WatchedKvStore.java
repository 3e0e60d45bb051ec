package dev.flarekv.server.watch;

import dev.flarekv.protocol.model.KeyPage;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.ReadAttempt;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store as the server uses it, reporting each successful write to the {@link ChangeFeed}: so
 * the feed sees every write whatever made it (the REST API, the binding, the controls), and only
 * after the store accepted it. A write that throws reports nothing. Expiries are reported by the
 * sweeper's rounds ({@link ExpiryWatch}). Writes to a namespace nobody watches cost one map lookup.
 */
public final class WatchedKvStore implements KvStore {
  private final KvStore delegate;
  private final ChangeFeed feed;
  private final ExpiryWatch expiries;

  public WatchedKvStore(KvStore delegate, ChangeFeed feed, java.time.InstantSource clock) {
    this.delegate = delegate;
    this.feed = feed;
    this.expiries = new ExpiryWatch(feed, clock);
  }

  /** The feed this store reports to. */
  public ChangeFeed feed() {
    return feed;
  }

  @Override
  public void put(NamespaceRef ref, KvEntry entry) {
    delegate.put(ref, entry);
    if (feed.watched(ref.namespaceId())) {
      feed.put(ref.namespaceId(), entry);
      expiries.written(ref.namespaceId(), entry.key(), entry.expiration());
    }
  }

  @Override
  public void putAll(NamespaceRef ref, List<KvEntry> entries) {
    delegate.putAll(ref, entries);
    if (feed.watched(ref.namespaceId())) {
      for (KvEntry entry : entries) {
        feed.put(ref.namespaceId(), entry);
        expiries.written(ref.namespaceId(), entry.key(), entry.expiration());
      }
    }
  }

  @Override
  public void delete(NamespaceRef ref, String key) {
    delegate.delete(ref, key);
    if (feed.watched(ref.namespaceId())) {
      feed.delete(ref.namespaceId(), key);
      expiries.written(ref.namespaceId(), key, KvEntry.NO_EXPIRATION);
    }
  }

  @Override
  public void deleteAll(NamespaceRef ref, Collection<String> keys) {
    delegate.deleteAll(ref, keys);
    if (feed.watched(ref.namespaceId())) {
      for (String key : keys) {
        feed.delete(ref.namespaceId(), key);
        expiries.written(ref.namespaceId(), key, KvEntry.NO_EXPIRATION);
      }
    }
  }

  @Override
  public int sweepExpired(int maxDeletes) {
    int deleted = delegate.sweepExpired(maxDeletes);
    expiries.due();
    return deleted;
  }

  @Override
  public Namespace createNamespace(String accountId, String title) {
    return delegate.createNamespace(accountId, title);
  }

  @Override
  public Namespace createNamespace(String accountId, String title, String id) {
    return delegate.createNamespace(accountId, title, id);
  }

  @Override
  public List<Namespace> allNamespaces() {
    return delegate.allNamespaces();
  }

  /** A fork fills a namespace nobody can be watching yet: nothing to report. */
  @Override
  public Namespace forkNamespace(NamespaceRef source, String title) {
    return delegate.forkNamespace(source, title);
  }

  @Override
  public Optional<Namespace> namespace(NamespaceRef ref) {
    return delegate.namespace(ref);
  }

  @Override
  public Optional<Namespace> namespaceById(String namespaceId) {
    return delegate.namespaceById(namespaceId);
  }

  @Override
  public List<Namespace> namespaces(String accountId) {
    return delegate.namespaces(accountId);
  }

  @Override
  public Namespace renameNamespace(NamespaceRef ref, String title) {
    return delegate.renameNamespace(ref, title);
  }

  @Override
  public void deleteNamespace(NamespaceRef ref) {
    delegate.deleteNamespace(ref);
  }

  @Override
  public Optional<KvEntry> get(NamespaceRef ref, String key) {
    return delegate.get(ref, key);
  }

  @Override
  public ReadAttempt getIfCached(NamespaceRef ref, String key) {
    return delegate.getIfCached(ref, key);
  }

  @Override
  public Map<String, KvEntry> getAll(NamespaceRef ref, Collection<String> keys) {
    return delegate.getAll(ref, keys);
  }

  @Override
  public KeyPage list(NamespaceRef ref, String prefix, String startAfter, int limit) {
    return delegate.list(ref, prefix, startAfter, limit);
  }

  @Override
  public long openIterators() {
    return delegate.openIterators();
  }

  @Override
  public Optional<String> degradedReason() {
    return delegate.degradedReason();
  }

  @Override
  public void checkpoint(Path target) {
    delegate.checkpoint(target);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
