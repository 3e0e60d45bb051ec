package dev.flarekv.server.modes.limits;

import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.pipeline.KvOperation;
import dev.flarekv.server.pipeline.KvPolicy;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.clock.KvClock;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;

/**
 * {@code --limits free|paid}: Cloudflare's rate limits and (Free plan) daily quotas, on the
 * emulated clock, for both surfaces (docs/modes.md, "Cloudflare's limits and quotas"). In order:
 *
 * <ol>
 *   <li>the REST API's requests per token per five minutes ({@link RequestRate}); the controls
 *       under {@code /flarekv/v1/} and the binding surface do not count;
 *   <li>the Free plan's daily quotas and storage limit per account ({@link QuotaGate});
 *   <li>one write per second to the same key ({@link SameKeyWrites}).
 * </ol>
 *
 * A refused operation never reaches the store. Refusals are answered 429 in the surface's own words
 * ({@link LimitRefusals}), with {@code Retry-After} when the wait is known.
 *
 * <p>A memory-only read ({@link KvOperation.Kind#GET_CACHED}) is declined, so that it is counted
 * once, the blocking way.
 */
public final class LimitsPolicy implements KvPolicy {
  private final LimitsPlan plan;
  private final KvClock clock;
  private final RequestRate rate;
  private final SameKeyWrites sameKey = new SameKeyWrites();
  private final LimitRefusals refusals;
  private final QuotaGate quotas;

  /**
   * @param plan the numbers to enforce ({@link LimitsPlan#of})
   * @param clock the server's clock, which every window and day follows
   * @param store the store, read to size the accounts' stored bytes
   * @param registry where the usage gauges and refusal counters go
   */
  public LimitsPolicy(LimitsPlan plan, KvClock clock, KvStore store, MeterRegistry registry) {
    this.plan = plan;
    this.clock = clock;
    this.rate = new RequestRate(plan.requestsPerWindow(), plan.windowSeconds());
    this.refusals = new LimitRefusals(registry);
    this.quotas = plan.hasQuotas() ? new QuotaGate(plan, clock, store, refusals, registry) : null;
  }

  /** The Free plan's quota book, read by the usage control; null on the Paid plan. */
  QuotaGate quotas() {
    return quotas;
  }

  public LimitsPlan plan() {
    return plan;
  }

  @Override
  public ApiReply apply(KvOperation op, Next next) {
    if (op.kind() == KvOperation.Kind.GET_CACHED) {
      return null;
    }
    KvOperation.Origin origin = op.origin();
    if (origin.surface() == KvOperation.Surface.REST
        && origin.principal() != null
        && !origin.route().startsWith("flarekv/")) {
      long wait = rate.admit(origin.principal().tokenId(), clock.millis());
      if (wait > 0) {
        return refuse(op, next, refusals.rate(), wait);
      }
    }
    if (quotas == null) {
      return sameKey(op, next);
    }
    return quotas.apply(op, o -> sameKey(o, next));
  }

  private ApiReply sameKey(KvOperation op, Next next) {
    List<String> keys = QuotaGate.keys(op);
    if (!keys.isEmpty()
        && !sameKey.admit(op.namespace(), keys, Math.floorDiv(clock.millis(), 1000))) {
      return refuse(op, next, refusals.sameKey(op.origin().surface()), 1);
    }
    return next.proceed(op);
  }

  /**
   * The reply to a refused operation, rendered by the surface as any failure: the rest of the chain
   * runs it as {@link KvOperation.Kind#REJECTED}, so the store is not touched.
   *
   * @param retryAfter the seconds to wait, sent as {@code Retry-After}; 0 for none
   */
  static ApiReply refuse(KvOperation op, Next next, RuntimeException why, long retryAfter) {
    ApiReply reply = next.proceed(KvOperation.rejected(op.origin(), why));
    return retryAfter > 0 && reply != null
        ? reply.withHeaders(Map.of("Retry-After", Long.toString(retryAfter)))
        : reply;
  }
}
