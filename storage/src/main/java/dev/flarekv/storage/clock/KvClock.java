package dev.flarekv.storage.clock;

import java.time.InstantSource;

/**
 * The one source of "now" for every time decision of the server and its stores: whether a pair has
 * expired, the absolute expiration an {@code expiration_ttl} turns into, which pairs a sweep
 * removes, and the write timestamps the Cassandra engine gives its mutations.
 *
 * <p>A server picks its clock once, at start ({@link #system()} in production), and hands the same
 * instance to everything that needs the time; code below the server takes it as the {@link
 * InstantSource} it is, so any {@code InstantSource} (a test's settable clock, {@link
 * java.time.Clock#fixed}) also works there. Because every decision reads this one object, a clock
 * that is set or advanced by hand (emulated time) is a second implementation of this interface
 * passed in place of {@link #system()}, and nothing else has to change.
 *
 * <p>The build forbids reading the wall clock anywhere else in the server and storage main code
 * ({@code System.currentTimeMillis()}, {@code Instant.now()}, {@code InstantSource.system()}, the
 * {@code Clock.system*} factories, the {@code now()} of the {@code java.time} date types, {@code
 * new Date()}, {@code Calendar.getInstance()}): see {@code config/forbiddenapis/wall-clock.txt}.
 * {@link System#nanoTime()} stays allowed: it measures elapsed real time (latency metrics,
 * timeouts, pacing, deadlines) and never says what time it is, so emulated time must not change it.
 */
public interface KvClock extends InstantSource {

  /** The wall clock (UTC); the only wall-clock read of the server and storage main code. */
  static KvClock system() {
    return SystemKvClock.INSTANCE;
  }
}
