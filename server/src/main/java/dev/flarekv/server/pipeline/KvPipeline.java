package dev.flarekv.server.pipeline;

import dev.flarekv.protocol.error.KvException;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.http.RequestMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * What every operation of one surface passes: the policies, in order, then the {@link KvExecutor},
 * then the surface's rendering. The chain is linked once, so running an operation allocates nothing
 * of its own.
 */
public final class KvPipeline {
  private final KvPolicy.Next head;

  /**
   * @param policies applied in list order: the first sees the operation first and the reply last
   */
  public KvPipeline(List<KvPolicy> policies, KvExecutor executor, KvSurface surface) {
    KvPolicy.Next next = op -> execute(op, executor, surface);
    for (int i = policies.size() - 1; i >= 0; i--) {
      KvPolicy policy = policies.get(i);
      KvPolicy.Next after = next;
      next = op -> policy.apply(op, after);
    }
    this.head = next;
  }

  /**
   * The chain both surfaces run, in this order:
   *
   * <ol>
   *   <li>{@link MeteringPolicy}: first, so it times everything after it and records the status of
   *       the rendered reply, refusals by later policies included.
   *   <li>the realism modes' policies ({@code dev.flarekv.server.modes.Realism}), in their order;
   *       none when every mode is off.
   * </ol>
   *
   * @param realism the realism policies, shared by both surfaces' pipelines
   */
  public static KvPipeline standard(
      KvExecutor executor, KvSurface surface, RequestMetrics metrics, List<KvPolicy> realism) {
    List<KvPolicy> chain = new ArrayList<>(1 + realism.size());
    chain.add(new MeteringPolicy(metrics));
    chain.addAll(realism);
    return new KvPipeline(chain, executor, surface);
  }

  /**
   * The reply to the operation, or null when a memory-only read declined. Never throws, except that
   * a memory-only read lets an unexpected failure through, so that its caller retries the blocking
   * way (which reports it).
   */
  public ApiReply run(KvOperation op) {
    return head.proceed(op);
  }

  private static ApiReply execute(KvOperation op, KvExecutor executor, KvSurface surface) {
    try {
      KvResult result = executor.execute(op);
      return result == KvResult.DECLINED ? null : surface.render(op, result);
    } catch (RuntimeException e) {
      if (op.kind() == KvOperation.Kind.GET_CACHED && !(e instanceof KvException)) {
        throw e;
      }
      return surface.error(e);
    } catch (Error e) {
      if (op.kind() == KvOperation.Kind.GET_CACHED) {
        throw e;
      }
      return surface.error(e);
    }
  }
}
