package dev.flarekv.server.pipeline;

import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.server.pipeline.KvOperation.ListQuery;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.ReadAttempt;

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
        return KvResult.count(op.entries().size());
      case BULK_DELETE:
        store.deleteAll(ns, op.keys());
        return KvResult.count(op.keys().size());
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
}
