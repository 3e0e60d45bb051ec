package dev.flarekv.storage.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.InstantSource;
import org.junit.jupiter.api.Test;

class KvClockTest {

  @Test
  void system_readsTheWallClock() {
    long before = System.currentTimeMillis();
    long millis = KvClock.system().millis();
    long instant = KvClock.system().instant().toEpochMilli();
    long after = System.currentTimeMillis();

    assertThat(millis).isBetween(before, after);
    assertThat(instant).isBetween(millis, after);
  }

  @Test
  void system_isOneInstance_usableAsAnInstantSource() {
    InstantSource source = KvClock.system();

    assertThat(source).isSameAs(KvClock.system());
    assertThat(source).hasToString("KvClock.system()");
  }
}
