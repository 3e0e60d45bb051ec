package dev.flarekv.server.modes.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;

/**
 * The fault rules of one server, in the order they were added, and the random numbers their
 * probabilities draw from. Readers (every faultable request) take one volatile read of an immutable
 * array; writers (the control, rarely) replace the array under a lock. Ids are {@code f1}, {@code
 * f2}, ... in the order rules are added, never reused while the server runs.
 */
final class FaultRules {
  private static final FaultRule[] NONE = new FaultRule[0];

  private final Random random;
  private volatile FaultRule[] rules = NONE;
  private long nextId = 1; // guarded by this

  /**
   * @param seed the seed of the draws ({@code --random-seed}): with one, the same requests in the
   *     same order fire the same rules; without, a random one
   */
  FaultRules(OptionalLong seed) {
    this.random = seed.isPresent() ? new Random(seed.getAsLong()) : new Random();
  }

  /** The rules now, in order (not to be modified). */
  FaultRule[] current() {
    return rules;
  }

  /** Where probabilities draw from; {@link Random} is safe to share between threads. */
  Random random() {
    return random;
  }

  /** Adds a rule at the end and returns it with its id. */
  synchronized FaultRule add(FaultSpec spec) {
    FaultRule rule = new FaultRule("f" + nextId++, spec);
    FaultRule[] now = rules;
    FaultRule[] next = java.util.Arrays.copyOf(now, now.length + 1);
    next[now.length] = rule;
    rules = next;
    return rule;
  }

  /** Removes the rule with this id; returns it, or null when there is none. */
  synchronized FaultRule remove(String id) {
    FaultRule[] now = rules;
    for (int i = 0; i < now.length; i++) {
      if (now[i].id().equals(id)) {
        FaultRule[] next = new FaultRule[now.length - 1];
        System.arraycopy(now, 0, next, 0, i);
        System.arraycopy(now, i + 1, next, i, now.length - i - 1);
        rules = next.length == 0 ? NONE : next;
        return now[i];
      }
    }
    return null;
  }

  /** Removes every rule; returns them. */
  synchronized List<FaultRule> clear() {
    List<FaultRule> removed = new ArrayList<>(List.of(rules));
    rules = NONE;
    return removed;
  }
}
