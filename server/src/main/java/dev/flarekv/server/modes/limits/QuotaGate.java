package dev.flarekv.server.modes.limits;

import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.pipeline.KvOperation;
import dev.flarekv.server.pipeline.KvPolicy;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.clock.KvClock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Free plan's daily quotas and storage limit per account (docs/kv-semantics.md Q2). What counts
 * (docs/modes.md has the table): a get or metadata read is one read, a bulk get one read per key; a
 * put one write, a bulk write one write per pair; a delete one delete, a bulk delete one per key; a
 * list one list. A read of a missing key counts, as on Cloudflare; an operation that fails
 * otherwise (4xx other than 404, 5xx, a refusal) is not counted. A refused operation changes
 * nothing: the quota is checked, and the count reserved, before the store is touched.
 */
final class QuotaGate {
  private static final long DAY_MILLIS = 86_400_000L;

  private final LimitsPlan plan;
  private final KvClock clock;
  private final StoredBytes stored;
  private final LimitRefusals refusals;
  private final MeterRegistry registry;
  private final Map<String, DailyUsage> accounts = new ConcurrentHashMap<>();

  QuotaGate(
      LimitsPlan plan,
      KvClock clock,
      KvStore store,
      LimitRefusals refusals,
      MeterRegistry registry) {
    this.plan = plan;
    this.clock = clock;
    this.stored = new StoredBytes(store);
    this.refusals = refusals;
    this.registry = registry;
    for (Quota q : Quota.values()) {
      Gauge.builder("flarekv.limits.quota", plan, p -> p.limit(q))
          .description("The Free plan's daily quotas and storage limit per account")
          .tag("quota", q.label())
          .register(registry);
    }
  }

  LimitsPlan plan() {
    return plan;
  }

  /** The UTC day of the emulated clock, in days since the epoch. */
  long today() {
    return Math.floorDiv(clock.millis(), DAY_MILLIS);
  }

  /** When the current day's counts start again, in epoch seconds. */
  long resetsAt() {
    return (today() + 1) * (DAY_MILLIS / 1000);
  }

  /**
   * The count of a quota for the account today; the stored bytes for {@link Quota#STORED_BYTES}.
   */
  long used(String account, Quota quota) {
    return quota == Quota.STORED_BYTES
        ? stored.total(account)
        : usage(account).used(quota, today());
  }

  /** The accounts counted since the server started. */
  Set<String> accounts() {
    return new java.util.TreeSet<>(accounts.keySet());
  }

  /** Runs the operation within the quotas of its account, or refuses it. */
  ApiReply apply(KvOperation op, KvPolicy.Next inner) {
    Quota quota = quotaOf(op.kind());
    if (quota == null) {
      ApiReply reply = inner.proceed(op);
      if (op.kind() == KvOperation.Kind.NAMESPACE_DELETE && succeeded(reply)) {
        stored.forget(op.namespace().accountId());
      }
      return reply;
    }
    NamespaceRef ns = op.namespace();
    String account = ns.accountId();
    long today = today();
    long n = count(op);
    DailyUsage usage = usage(account);
    if (!usage.reserve(quota, n, today)) {
      long untilMidnight = resetsAt() - Math.floorDiv(clock.millis(), 1000);
      return LimitsPolicy.refuse(
          op, inner, refusals.daily(quota, op.origin().surface()), untilMidnight);
    }
    long grow = 0; // bytes reserved before the write
    long shrink = 0; // bytes given back after it
    if (quota == Quota.WRITES || quota == Quota.DELETES) {
      long before;
      try {
        before = stored.sizeOf(ns, new LinkedHashSet<>(keys(op)));
      } catch (RuntimeException e) { // the namespace is gone, the store failed: say so
        usage.release(quota, n, today);
        return LimitsPolicy.refuse(op, inner, e, 0);
      }
      long after = quota == Quota.WRITES ? newSize(op) : 0;
      long delta = after - before;
      if (delta > 0) {
        long limit = plan.limit(Quota.STORED_BYTES);
        if (!stored.reserve(account, delta, limit)) {
          usage.release(quota, n, today);
          return LimitsPolicy.refuse(op, inner, refusals.storage(op.origin().surface(), limit), 0);
        }
        grow = delta;
      } else {
        shrink = -delta;
      }
    }
    ApiReply reply = inner.proceed(op);
    boolean counted =
        succeeded(reply) || (reply != null && quota == Quota.READS && reply.status() == 404);
    if (!counted) {
      usage.release(quota, n, today);
      stored.add(account, -grow);
    } else {
      stored.add(account, -shrink);
    }
    return reply;
  }

  private static boolean succeeded(ApiReply reply) {
    return reply != null && reply.status() < 300;
  }

  private DailyUsage usage(String account) {
    return accounts.computeIfAbsent(
        account,
        a -> {
          DailyUsage u = new DailyUsage(plan);
          for (Quota q : Quota.values()) {
            Gauge.builder("flarekv.limits.usage", this, g -> g.used(a, q))
                .description("Today's count of each Free plan quota per account, stored bytes")
                .tags("account", a, "quota", q.label())
                .register(registry);
          }
          return u;
        });
  }

  private static Quota quotaOf(KvOperation.Kind kind) {
    switch (kind) {
      case GET:
      case GET_METADATA:
      case BULK_GET:
        return Quota.READS;
      case PUT:
      case BULK_PUT:
        return Quota.WRITES;
      case DELETE:
      case BULK_DELETE:
        return Quota.DELETES;
      case LIST:
        return Quota.LISTS;
      default:
        return null;
    }
  }

  private static long count(KvOperation op) {
    switch (op.kind()) {
      case BULK_GET:
        return op.bulkRead().keys().size();
      case BULK_PUT:
        return op.entries().size();
      case BULK_DELETE:
        return op.keys().size();
      default:
        return 1;
    }
  }

  /** The keys a write or delete touches. */
  static List<String> keys(KvOperation op) {
    switch (op.kind()) {
      case PUT:
      case DELETE:
        return List.of(op.key());
      case BULK_PUT:
        List<String> keys = new ArrayList<>(op.entries().size());
        for (KvEntry e : op.entries()) {
          keys.add(e.key());
        }
        return keys;
      case BULK_DELETE:
        return op.keys();
      default:
        return List.of();
    }
  }

  /** The bytes a write leaves: the last entry of each key counts. */
  private static long newSize(KvOperation op) {
    if (op.kind() == KvOperation.Kind.PUT) {
      return StoredBytes.size(op.entry());
    }
    Map<String, Long> last = new java.util.HashMap<>();
    for (KvEntry e : op.entries()) {
      last.put(e.key(), StoredBytes.size(e));
    }
    long sum = 0;
    for (long size : last.values()) {
      sum += size;
    }
    return sum;
  }
}
