package dev.flarekv.server.modes.faults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.json.KvJson;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One fault rule of a server: its id, what it does ({@link FaultSpec}) and how often it has fired.
 * A rule with a {@code count} is spent once it has fired that many times: it then matches nothing,
 * but stays listed (with {@code "active": false}) so that a test can read how often it fired, until
 * it is removed.
 */
final class FaultRule {
  private final String id;
  private final FaultSpec spec;
  private final AtomicLong fired = new AtomicLong();

  FaultRule(String id, FaultSpec spec) {
    this.id = id;
    this.spec = spec;
  }

  String id() {
    return id;
  }

  FaultSpec spec() {
    return spec;
  }

  /** Whether the rule can still fire (it has no count, or has not used it up). */
  boolean active() {
    return spec.count() == 0 || fired.get() < spec.count();
  }

  /**
   * Decides whether a matching operation fires the rule, and counts it if so. A spent rule does not
   * fire and draws nothing. A rule whose probability is below 1 draws one number from {@code
   * random} per matching operation while it is active (so, with a seed, which operations fire
   * depends only on the order operations arrive in); a rule with probability 1 draws nothing.
   */
  boolean fire(Random random) {
    if (!active()) {
      return false;
    }
    double p = spec.probability();
    if (p < 1 && random.nextDouble() >= p) {
      return false;
    }
    if (spec.count() == 0) {
      fired.incrementAndGet();
      return true;
    }
    while (true) {
      long n = fired.get();
      if (n >= spec.count()) {
        return false; // another request took the last firing meanwhile
      }
      if (fired.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** The rule with its id first, then its fields, then {@code fired} and {@code active}. */
  ObjectNode toJson() {
    ObjectNode out = KvJson.mapper().createObjectNode();
    out.put("id", id);
    out.setAll(spec.toJson());
    out.put("fired", fired.get());
    out.put("active", active());
    return out;
  }
}
