package dev.flarekv.server.modes;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The production-realism modes a server starts with (docs/modes.md). Every mode is off by default,
 * which leaves flarekv exact and strongly consistent, with nothing added to a request's path.
 *
 * @param clock how the server's clock runs
 * @param limits which Cloudflare plan's limits and quotas are enforced
 * @param consistency whether binding reads see writes at once or after propagation
 * @param randomSeed the seed of every random choice the modes make (propagation delays, which
 *     requests a fault rule fails), so a run can be repeated; empty for a random seed
 * @param faultsFile fault rules loaded at start, or null
 */
public record Modes(
    Clock clock, Limits limits, Consistency consistency, OptionalLong randomSeed, Path faultsFile) {

  /** {@code --clock}. */
  public enum Clock {
    /** The wall clock; it can still be moved by hand, as an offset. */
    SYSTEM,
    /** Frozen at the start time until moved by hand or resumed. */
    MANUAL
  }

  /** {@code --limits}. */
  public enum Limits {
    /** Only the size and TTL limits, which always apply. */
    OFF,
    /** The Free plan: same-key write rate, the REST request rate and the daily quotas. */
    FREE,
    /** The Paid plan: same-key write rate and the REST request rate. */
    PAID
  }

  /** {@code --consistency}. */
  public enum Consistency {
    /** Every read sees every acknowledged write. */
    STRONG,
    /** Binding reads come from per-location edge caches, as on Cloudflare. */
    EVENTUAL
  }

  /** Every mode off. */
  public static final Modes OFF =
      new Modes(Clock.SYSTEM, Limits.OFF, Consistency.STRONG, OptionalLong.empty(), null);

  public Modes {
    java.util.Objects.requireNonNull(clock, "clock");
    java.util.Objects.requireNonNull(limits, "limits");
    java.util.Objects.requireNonNull(consistency, "consistency");
    java.util.Objects.requireNonNull(randomSeed, "randomSeed");
  }

  public Modes withClock(Clock value) {
    return new Modes(value, limits, consistency, randomSeed, faultsFile);
  }

  public Modes withLimits(Limits value) {
    return new Modes(clock, value, consistency, randomSeed, faultsFile);
  }

  public Modes withConsistency(Consistency value) {
    return new Modes(clock, limits, value, randomSeed, faultsFile);
  }

  public Modes withRandomSeed(long value) {
    return new Modes(clock, limits, consistency, OptionalLong.of(value), faultsFile);
  }

  public Modes withFaultsFile(Path value) {
    return new Modes(clock, limits, consistency, randomSeed, value);
  }
}
