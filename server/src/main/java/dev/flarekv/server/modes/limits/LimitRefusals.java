package dev.flarekv.server.modes.limits;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.server.pipeline.KvOperation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * The refusals of the limits policy, in each surface's words, counted in {@code
 * flarekv_limits_refusals_total{reason}}. The REST API answers in Cloudflare's envelope; the
 * binding answers with the message as the reason phrase, which workerd shows the Worker as {@code
 * KV PUT failed: 429 <message>}.
 */
final class LimitRefusals {
  private final Counter rate;
  private final Counter sameKey;
  private final Map<Quota, Counter> quotas = new EnumMap<>(Quota.class);

  LimitRefusals(MeterRegistry registry) {
    this.rate = counter(registry, "rest_rate");
    this.sameKey = counter(registry, "same_key_write");
    for (Quota q : Quota.values()) {
      quotas.put(q, counter(registry, q.label()));
    }
  }

  private static Counter counter(MeterRegistry registry, String reason) {
    return Counter.builder("flarekv.limits.refusals")
        .description("Requests refused by --limits, by reason")
        .tag("reason", reason)
        .register(registry);
  }

  /** More than the plan's REST requests per window (REST only). */
  KvException rate() {
    rate.increment();
    return ErrorCode.RATE_LIMITED.exception();
  }

  /**
   * A second write to a key in one second. The binding's words are what a Worker sees on
   * Cloudflare: {@code KV PUT failed: 429 Too Many Requests}.
   */
  KvException sameKey(KvOperation.Surface surface) {
    sameKey.increment();
    return ErrorCode.KEY_WRITE_RATE.exception(
        surface == KvOperation.Surface.BINDING
            ? "Too Many Requests"
            : "too many requests: at most one write per second to the same key; retry after a"
                + " second");
  }

  /** A daily quota spent. */
  KvException daily(Quota quota, KvOperation.Surface surface) {
    quotas.get(quota).increment();
    return ErrorCode.FREE_USAGE_LIMIT.exception(
        surface == KvOperation.Surface.BINDING
            ? quota.bindingMessage()
            : ErrorCode.FREE_USAGE_LIMIT.defaultMessage());
  }

  /** A write that would take the account past its storage limit. */
  KvException storage(KvOperation.Surface surface, long limit) {
    quotas.get(Quota.STORED_BYTES).increment();
    return ErrorCode.FREE_USAGE_LIMIT.exception(
        surface == KvOperation.Surface.BINDING
            ? "KV put() limit exceeded: the account stores its limit of " + limit + " bytes."
            : "your account has reached the free usage limit for storage ("
                + limit
                + " bytes); delete keys to write again");
  }
}
