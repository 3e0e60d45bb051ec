package dev.flarekv.server.pipeline;

import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.server.pipeline.KvOperation.ListQuery;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.ReadAttempt;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The end of the pipeline: the one place an operation of either surface reaches the {@link
 * KvStore}. Blocks on disk except for {@link KvOperation.Kind#GET_CACHED}.
 */
public final class KvExecutor {
  private final KvStore store;

  public KvExecutor(KvStore store) {
    this.store = store;
  }

  /**
   * Runs the operation; {@link KvResult#DECLINED} when a memory-only read would block.
   *
   * @throws RuntimeException the store's failure, or a {@link KvOperation.Kind#REJECTED}'s own
   */
  public KvResult execute(KvOperation op) {
    NamespaceRef ns = op.namespace();
    if (op.served() != null) {
      return served(op);
    }
    switch (op.kind()) {
      case GET:
      case GET_METADATA:
        return KvResult.of(store.get(ns, op.key()));
      case GET_CACHED:
        ReadAttempt attempt = store.getIfCached(ns, op.key());
        return attempt.answered() ? KvResult.of(attempt.entry()) : KvResult.DECLINED;
      case PUT:
        store.put(ns, op.entry());
        return KvResult.DONE;
      case DELETE:
        store.delete(ns, op.key());
        return KvResult.DONE;
      case LIST:
        ListQuery q = op.listQuery();
        return KvResult.of(store.list(ns, q.prefix(), q.startAfter(), q.limit()));
      case BULK_GET:
        return KvResult.of(BulkValues.read(store, ns, op.bulkRead()));
      case BULK_PUT:
        store.putAll(ns, op.entries());
        return KvResult.of(op.entries().size());
      case BULK_DELETE:
        store.deleteAll(ns, op.keys());
        return KvResult.of(op.keys().size());
      case NAMESPACE_LIST:
        List<Namespace> all = new ArrayList<>(store.namespaces(op.namespaceQuery().accountId()));
        all.sort(op.namespaceQuery().order());
        return KvResult.of(all);
      case NAMESPACE_CREATE:
        return KvResult.of(store.createNamespace(ns.accountId(), op.title()));
      case NAMESPACE_GET:
        return KvResult.of(store.namespace(ns));
      case NAMESPACE_RENAME:
        return KvResult.of(store.renameNamespace(ns, op.title()));
      case NAMESPACE_DELETE:
        store.deleteNamespace(ns);
        return KvResult.DONE;
      case CALL:
        return KvResult.of(op.call().run());
      case REJECTED:
        Throwable failure = op.failure();
        if (failure instanceof Error e) {
          throw e;
        }
        throw failure instanceof RuntimeException e ? e : new IllegalStateException(failure);
      default:
        throw new IllegalStateException("unknown kind " + op.kind());
    }
  }

  /**
   * A read a policy answered itself ({@link KvOperation#servedFrom}), rendered like the store's.
   */
  private static KvResult served(KvOperation op) {
    return op.kind() == KvOperation.Kind.BULK_GET
        ? KvResult.of(BulkValues.render(op.served(), op.bulkRead()))
        : KvResult.of(Optional.ofNullable(op.served().get(op.key())));
  }
}
