package dev.flarekv.storage.memory;

import dev.flarekv.protocol.model.KeyPage;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.KvStoreForkContractTest;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link KvStore#forkNamespace}'s default (list, getAll, putAll), over the in-memory engine. */
class DefaultForkTest extends KvStoreForkContractTest {
  @Override
  protected KvStore createStore(Path dir, InstantSource clock) {
    return new WithoutOwnFork(new InMemoryKvStore(clock));
  }

  /** Forwards everything but {@code forkNamespace}, so the interface's default runs. */
  private record WithoutOwnFork(KvStore d) implements KvStore {
    @Override
    public Namespace createNamespace(String accountId, String title) {
      return d.createNamespace(accountId, title);
    }

    @Override
    public Optional<Namespace> namespace(NamespaceRef ref) {
      return d.namespace(ref);
    }

    @Override
    public Optional<Namespace> namespaceById(String namespaceId) {
      return d.namespaceById(namespaceId);
    }

    @Override
    public List<Namespace> namespaces(String accountId) {
      return d.namespaces(accountId);
    }

    @Override
    public Namespace renameNamespace(NamespaceRef ref, String title) {
      return d.renameNamespace(ref, title);
    }

    @Override
    public void deleteNamespace(NamespaceRef ref) {
      d.deleteNamespace(ref);
    }

    @Override
    public Optional<KvEntry> get(NamespaceRef ref, String key) {
      return d.get(ref, key);
    }

    @Override
    public Map<String, KvEntry> getAll(NamespaceRef ref, Collection<String> keys) {
      return d.getAll(ref, keys);
    }

    @Override
    public void put(NamespaceRef ref, KvEntry entry) {
      d.put(ref, entry);
    }

    @Override
    public void putAll(NamespaceRef ref, List<KvEntry> entries) {
      d.putAll(ref, entries);
    }

    @Override
    public void delete(NamespaceRef ref, String key) {
      d.delete(ref, key);
    }

    @Override
    public void deleteAll(NamespaceRef ref, Collection<String> keys) {
      d.deleteAll(ref, keys);
    }

    @Override
    public KeyPage list(NamespaceRef ref, String prefix, String startAfter, int limit) {
      return d.list(ref, prefix, startAfter, limit);
    }

    @Override
    public int sweepExpired(int maxDeletes) {
      return d.sweepExpired(maxDeletes);
    }

    @Override
    public void close() {
      d.close();
    }
  }
}
