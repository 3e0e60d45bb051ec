package dev.flarekv.server.modes.faults;

import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.pipeline.KvOperation;
import dev.flarekv.server.pipeline.KvPolicy;
import java.util.Random;

/**
 * Fails or delays the operations the server's fault rules match (docs/modes.md, "Faults and
 * latency"), on both surfaces, before the executor runs them: a failed operation changes nothing.
 *
 * <p>Rules are added at run time without a start flag, so this policy is always in the pipeline.
 * Without a rule it costs one volatile read of an empty array before passing the operation on.
 *
 * <p>The rules are tried in the order they were added. Every rule that matches and fires adds its
 * latency; the first that fires with a status ends the search, and the operation, after the summed
 * latency, gets that status instead of running. A memory-only read on the event loop, which must
 * not wait, is declined when an active rule matches it, so that it comes back as a blocking read
 * where the rules decide, once.
 */
public final class FaultPolicy implements KvPolicy {
  private final FaultRules rules;

  FaultPolicy(FaultRules rules) {
    this.rules = rules;
  }

  @Override
  public ApiReply apply(KvOperation op, Next next) {
    FaultRule[] now = rules.current();
    if (now.length == 0) {
      return next.proceed(op);
    }
    FaultOp kind = FaultOp.of(op.kind());
    if (kind == null) {
      return next.proceed(op);
    }
    if (op.kind() == KvOperation.Kind.GET_CACHED) {
      for (FaultRule rule : now) {
        if (rule.active() && rule.spec().matches(op, kind)) {
          return null; // retried the blocking way, where the rule decides
        }
      }
      return next.proceed(op);
    }
    Random random = rules.random();
    long latencyMs = 0;
    FaultRule failing = null;
    for (FaultRule rule : now) {
      if (!rule.spec().matches(op, kind) || !rule.fire(random)) {
        continue;
      }
      latencyMs += rule.spec().latencyMs();
      if (rule.spec().status() != 0) {
        failing = rule;
        break;
      }
    }
    if (latencyMs > 0) {
      pause(latencyMs);
    }
    return failing == null ? next.proceed(op) : FaultReply.of(op.origin().surface(), failing);
  }

  /** Holds the storage thread, as a slow store would. */
  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // shutting down: go on without the rest of the wait
    }
  }
}
