package dev.flarekv.server.modes.faults;

import dev.flarekv.server.control.Control;
import dev.flarekv.server.modes.Modes;
import dev.flarekv.server.pipeline.KvPolicy;

/**
 * Fault and latency injection, as {@code dev.flarekv.server.modes.Realism} assembles it: one set of
 * rules (loaded from {@code --faults FILE} when given), the policy that applies them and the
 * control that changes them.
 */
public final class Faults {
  private final FaultRules rules;

  private Faults(FaultRules rules) {
    this.rules = rules;
  }

  /**
   * The faults of a server started with these modes: the rules of {@link Modes#faultsFile()}, if
   * any, drawing from {@link Modes#randomSeed()}.
   *
   * @throws IllegalArgumentException naming the file and the rule when the file is bad
   */
  public static Faults of(Modes modes) {
    FaultRules rules = new FaultRules(modes.randomSeed());
    if (modes.faultsFile() != null) {
      for (FaultSpec spec : FaultRuleParser.readFile(modes.faultsFile())) {
        rules.add(spec);
      }
    }
    return new Faults(rules);
  }

  /**
   * Reads the modes' faults file, if any, only to refuse a bad one before a server opens its store.
   *
   * @throws IllegalArgumentException naming the file and the rule when the file is bad
   */
  public static void check(Modes modes) {
    if (modes.faultsFile() != null) {
      FaultRuleParser.readFile(modes.faultsFile());
    }
  }

  /** The policy: always present, nearly free without a rule. */
  public KvPolicy policy() {
    return new FaultPolicy(rules);
  }

  /** {@code /flarekv/v1/faults}. */
  public Control control() {
    return new FaultsControl(rules);
  }
}
