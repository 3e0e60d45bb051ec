package dev.flarekv.server.modes.limits;

import dev.flarekv.server.modes.Modes;
import java.util.EnumMap;
import java.util.Map;

/**
 * The numbers of one Cloudflare plan that {@code --limits} enforces: the REST API's request rate
 * per token, and (Free plan only) the daily quotas and the storage limit per account. The same-key
 * write rate (one write per key per second) is the same on every plan.
 *
 * @param limits the plan, FREE or PAID
 * @param requestsPerWindow REST requests a token may send within {@code windowSeconds}
 * @param windowSeconds the sliding window of the REST request rate
 * @param quotas the daily quotas and storage limit; empty on the Paid plan
 */
public record LimitsPlan(
    Modes.Limits limits, int requestsPerWindow, long windowSeconds, Map<Quota, Long> quotas) {
  /** Cloudflare's API: 1,200 requests per five minutes per token. */
  public static final int REST_REQUESTS = 1200;

  /** Five minutes. */
  public static final long REST_WINDOW_SECONDS = 300;

  /** The Free plan's storage limit: 1 GB (decimal, as Cloudflare bills storage). */
  public static final long FREE_STORED_BYTES = 1_000_000_000L;

  public LimitsPlan {
    if (limits == Modes.Limits.OFF) {
      throw new IllegalArgumentException("no plan for --limits off");
    }
    quotas = Map.copyOf(quotas);
  }

  /** The plan {@code --limits free} or {@code --limits paid} enforces. */
  public static LimitsPlan of(Modes.Limits limits) {
    Map<Quota, Long> quotas = new EnumMap<>(Quota.class);
    if (limits == Modes.Limits.FREE) {
      quotas.put(Quota.READS, 100_000L);
      quotas.put(Quota.WRITES, 1_000L);
      quotas.put(Quota.DELETES, 1_000L);
      quotas.put(Quota.LISTS, 1_000L);
      quotas.put(Quota.STORED_BYTES, FREE_STORED_BYTES);
    }
    return new LimitsPlan(limits, REST_REQUESTS, REST_WINDOW_SECONDS, quotas);
  }

  /** Whether the daily quotas and the storage limit apply (the Free plan). */
  public boolean hasQuotas() {
    return !quotas.isEmpty();
  }

  /** The limit of a quota. */
  public long limit(Quota quota) {
    Long limit = quotas.get(quota);
    if (limit == null) {
      throw new IllegalStateException(limits + " has no " + quota.label() + " quota");
    }
    return limit;
  }

  /** The same plan with one quota changed (a test that cannot store a gigabyte). */
  public LimitsPlan withQuota(Quota quota, long limit) {
    Map<Quota, Long> changed = new EnumMap<>(quotas);
    changed.put(quota, limit);
    return new LimitsPlan(limits, requestsPerWindow, windowSeconds, changed);
  }
}
