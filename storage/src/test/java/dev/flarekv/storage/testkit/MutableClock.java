package dev.flarekv.storage.testkit;

import dev.flarekv.storage.clock.KvClock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A settable {@link KvClock} for tests; thread-safe. */
public final class MutableClock implements KvClock {
  private final AtomicLong millis;

  public MutableClock(long millis) {
    this.millis = new AtomicLong(millis);
  }

  /** A clock standing at {@code seconds} since the epoch (Miniflare's tests use 1000). */
  public static MutableClock atSeconds(long seconds) {
    return new MutableClock(seconds * 1000L);
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  public void setMillis(long value) {
    millis.set(value);
  }

  public void setSeconds(long seconds) {
    millis.set(seconds * 1000L);
  }

  public void advanceMillis(long delta) {
    millis.addAndGet(delta);
  }

  public void advanceSeconds(long delta) {
    millis.addAndGet(delta * 1000L);
  }

  /** The current time in whole seconds, rounded down. */
  public long seconds() {
    return Math.floorDiv(millis.get(), 1000L);
  }
}
