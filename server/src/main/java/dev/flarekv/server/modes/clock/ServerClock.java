package dev.flarekv.server.modes.clock;

import dev.flarekv.server.modes.Modes;
import dev.flarekv.storage.clock.EmulatedClock;
import dev.flarekv.storage.clock.KvClock;

/**
 * The one clock of a server: an {@link EmulatedClock} over the base clock it is started with,
 * ticking for {@code --clock system} and frozen at start for {@code --clock manual} (docs/modes.md,
 * "Emulated time").
 *
 * <p>On the Cassandra engine the clock can be moved forward but not frozen. Reads there decide
 * expiry by this clock, like every engine, but Cassandra also removes a record by itself once the
 * CQL TTL it was written with has run out in real time; that TTL is counted from this clock when
 * the record is written. Moving the clock forward only makes records expire earlier than their TTL,
 * which reads and the sweeper handle; a frozen clock would let Cassandra drop records while
 * emulated time stands still, before their emulated expiration (docs/cassandra.md, "Emulated
 * time").
 */
public final class ServerClock {
  /** Why a Cassandra server's clock cannot be frozen. */
  public static final String CASSANDRA_NO_FREEZE =
      "the Cassandra engine cannot freeze emulated time: Cassandra removes expiring records by"
          + " real time (CQL TTLs), so they would vanish while the clock stands still; move the"
          + " clock forward with advance or set instead (docs/cassandra.md, \"Emulated time\")";

  private ServerClock() {}

  /**
   * The clock of a server with {@code mode} over {@code base}.
   *
   * @param cassandra whether the server runs the Cassandra engine
   * @throws IllegalArgumentException for {@code --clock manual} on the Cassandra engine
   */
  public static EmulatedClock emulate(Modes.Clock mode, boolean cassandra, KvClock base) {
    if (cassandra) {
      if (mode == Modes.Clock.MANUAL) {
        throw new IllegalArgumentException(
            "--clock manual is not available with --cassandra: "
                + CASSANDRA_NO_FREEZE
                + "; start with --clock system");
      }
      return EmulatedClock.unfreezable(base, CASSANDRA_NO_FREEZE);
    }
    return mode == Modes.Clock.MANUAL ? EmulatedClock.frozen(base) : EmulatedClock.ticking(base);
  }
}
