package dev.flarekv.storage.clock;

import java.time.Clock;
import java.time.Instant;

/**
 * {@link KvClock#system()}: the wall clock. The one class the build lets read it (see {@code
 * config/forbiddenapis/wall-clock.txt}).
 */
final class SystemKvClock implements KvClock {
  static final SystemKvClock INSTANCE = new SystemKvClock();

  private static final Clock UTC = Clock.systemUTC();

  private SystemKvClock() {}

  @Override
  public Instant instant() {
    return UTC.instant();
  }

  @Override
  public long millis() {
    return UTC.millis();
  }

  @Override
  public String toString() {
    return "KvClock.system()";
  }
}
