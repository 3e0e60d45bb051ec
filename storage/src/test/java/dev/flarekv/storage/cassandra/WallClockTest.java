package dev.flarekv.storage.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.storage.testkit.MutableClock;
import org.junit.jupiter.api.Test;

/**
 * Write timestamps and CQL's expiration limit follow the wall clock the store is given, not the
 * system clock read behind its back and not the store's clock for expiry (no cluster needed).
 */
class WallClockTest {
  private static final long NOW = 1000;

  @Test
  void writeTimestamps_followTheGivenWallClock_andNeverGoBack() {
    MutableClock wall = new MutableClock(5_000);
    KeyLayout.WriteClock writes = new KeyLayout.WriteClock(wall);
    assertThat(writes.next()).isEqualTo(5_000_000L);
    assertThat(writes.next()).as("strictly increasing").isEqualTo(5_000_001L);
    wall.setMillis(10_000);
    assertThat(writes.next()).isEqualTo(10_000_000L);
    wall.setMillis(1_000);
    assertThat(writes.next()).as("a wall clock stepped back").isEqualTo(10_000_001L);
  }

  @Test
  void cqlTtl_countsFromTheStoreClock_andIsCappedAtCassandrasTime() {
    long today = 1_750_000_000L;
    assertThat(CqlTtl.of(NOW + 60, NOW, today)).isEqualTo(60);
    long nearLast = CqlTtl.LAST_CQL_EXPIRATION - CqlTtl.INDEX_MARGIN - 60;
    assertThat(CqlTtl.of(NOW + 60, NOW, nearLast)).as("just inside the limit").isEqualTo(60);
    assertThat(CqlTtl.of(NOW + 61, NOW, nearLast))
        .as("the index entry would expire past 2038 in Cassandra's time")
        .isZero();
  }
}
