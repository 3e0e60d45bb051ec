package dev.flarekv.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import java.time.InstantSource;

/**
 * What every part of the engine works with: the session, its prepared statements, and time. {@code
 * clock} decides expiry (the KV contract's time, which tests and emulated time drive); {@code
 * wallClock} is the time shared with the Cassandra nodes and the other front ends, which write
 * timestamps ({@code writeClock}) and CQL's expiration limits are in.
 */
record EngineContext(
    CqlSession session,
    Cql cql,
    InstantSource clock,
    InstantSource wallClock,
    KeyLayout.WriteClock writeClock) {

  EngineContext(CqlSession session, Cql cql, InstantSource clock, InstantSource wallClock) {
    this(session, cql, clock, wallClock, new KeyLayout.WriteClock(wallClock));
  }

  /** The store's clock in whole seconds, rounded down. */
  long nowSeconds() {
    return Math.floorDiv(clock.millis(), 1000);
  }

  /** The wall clock in whole seconds, rounded down. */
  long wallSeconds() {
    return Math.floorDiv(wallClock.millis(), 1000);
  }
}
