package dev.flarekv.server.modes.consistency;

import java.util.OptionalLong;
import java.util.Random;

/**
 * How long a write takes to reach the other edge locations: uniformly 0 to {@value
 * #MAX_DELAY_MILLIS} ms, Cloudflare's "up to 60 seconds" (docs/kv-semantics.md R3). With {@code
 * --random-seed N} the delays come from a {@link Random} seeded with N, so the same writes in the
 * same order get the same delays on every run. Thread-safe ({@link Random} is).
 */
final class Propagation {
  /** The longest propagation delay: 60 s. */
  static final long MAX_DELAY_MILLIS = 60_000;

  private final Random random;

  /**
   * @param seed the modes' random seed, empty for an unrepeatable one
   */
  Propagation(OptionalLong seed) {
    this.random = seed.isPresent() ? new Random(seed.getAsLong()) : new Random();
  }

  /** The delay of the next write, in milliseconds. */
  long nextDelayMillis() {
    return random.nextInt((int) MAX_DELAY_MILLIS + 1);
  }
}
