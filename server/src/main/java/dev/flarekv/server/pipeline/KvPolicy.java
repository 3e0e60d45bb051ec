package dev.flarekv.server.pipeline;

import dev.flarekv.server.api.ApiReply;

/**
 * One step every operation passes on its way to the store, on both surfaces: it may look at the
 * operation, change or refuse it, and look at the rendered reply on the way back. Registered in
 * {@link KvPipeline#standard}, where the order is documented.
 *
 * <p>A policy runs on the storage executor, or on the event loop for a memory-only read ({@link
 * KvOperation.Kind#GET_CACHED}), where it must not block. A {@link KvOperation.Kind#REJECTED}
 * operation passes too, so that a policy sees every request; it should let it through. A null reply
 * means a memory-only read declined (it is retried the blocking way).
 */
@FunctionalInterface
public interface KvPolicy {
  ApiReply apply(KvOperation op, Next next);

  /** The rest of the chain. */
  @FunctionalInterface
  interface Next {
    ApiReply proceed(KvOperation op);
  }
}
