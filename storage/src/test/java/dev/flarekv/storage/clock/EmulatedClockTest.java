package dev.flarekv.storage.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.storage.testkit.MutableClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EmulatedClockTest {
  static final long START = 1_700_000_000L;

  final MutableClock base = MutableClock.atSeconds(START);

  @Test
  void ticking_followsTheBase_untilMoved() {
    EmulatedClock clock = EmulatedClock.ticking(base);
    assertThat(clock.millis()).isEqualTo(START * 1000);
    base.advanceMillis(1500);
    assertThat(clock.millis()).isEqualTo(START * 1000 + 1500);
    assertThat(clock.instant().toEpochMilli()).isEqualTo(START * 1000 + 1500);
    assertThat(clock.isFrozen()).isFalse();
    assertThat(clock.offsetMillis()).isZero();
  }

  @Test
  void advance_onATickingClock_isAnOffset_thatKeepsTicking() {
    EmulatedClock clock = EmulatedClock.ticking(base);
    clock.advance(3600);
    assertThat(clock.millis()).isEqualTo((START + 3600) * 1000);
    assertThat(clock.offsetMillis()).isEqualTo(3_600_000);
    base.advanceSeconds(10);
    assertThat(clock.millis()).isEqualTo((START + 3610) * 1000);
  }

  @Test
  void set_onATickingClock_isAnOffset() {
    EmulatedClock clock = EmulatedClock.ticking(base);
    clock.set(START + 86_400);
    assertThat(clock.millis()).isEqualTo((START + 86_400) * 1000);
    base.advanceSeconds(5);
    assertThat(clock.millis()).isEqualTo((START + 86_405) * 1000);
  }

  @Test
  void frozen_startsAtTheBasesTime_andStandsStill() {
    base.advanceMillis(250);
    EmulatedClock clock = EmulatedClock.frozen(base);
    assertThat(clock.isFrozen()).isTrue();
    long at = START * 1000 + 250;
    assertThat(clock.millis()).isEqualTo(at);
    base.advanceSeconds(100);
    assertThat(clock.millis()).isEqualTo(at);
    clock.advance(90);
    assertThat(clock.millis()).isEqualTo(at + 90_000);
    clock.set(START + 1000);
    assertThat(clock.millis()).isEqualTo((START + 1000) * 1000);
    base.advanceSeconds(100);
    assertThat(clock.millis()).isEqualTo((START + 1000) * 1000);
  }

  @Test
  void resume_continuesFromTheFrozenInstant_andFreezeStopsWhereItIs() {
    EmulatedClock clock = EmulatedClock.frozen(base);
    base.advanceSeconds(600); // ten minutes of real time while frozen
    clock.resume();
    assertThat(clock.isFrozen()).isFalse();
    assertThat(clock.millis()).isEqualTo(START * 1000);
    assertThat(clock.offsetMillis()).isEqualTo(-600_000);
    base.advanceSeconds(7);
    assertThat(clock.millis()).isEqualTo((START + 7) * 1000);
    clock.freeze();
    base.advanceSeconds(7);
    assertThat(clock.millis()).isEqualTo((START + 7) * 1000);
    clock.freeze(); // idempotent
    clock.resume();
    clock.resume(); // idempotent
    base.advanceSeconds(1);
    assertThat(clock.millis()).isEqualTo((START + 8) * 1000);
  }

  @Test
  void badChanges_areRefused_andChangeNothing() {
    EmulatedClock clock = EmulatedClock.frozen(base);
    long before = clock.millis();
    assertThatThrownBy(() -> clock.advance(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> clock.advance(-5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> clock.advance(Long.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("past 9999-12-31T23:59:59Z");
    assertThatThrownBy(() -> clock.advance(EmulatedClock.MAX_EPOCH_SECONDS - START + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> clock.set(START - 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("in the past")
        .hasMessageContaining("only moves forward");
    assertThatThrownBy(() -> clock.set(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> clock.set(EmulatedClock.MAX_EPOCH_SECONDS + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> clock.set(Long.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(clock.millis()).isEqualTo(before);
    assertThat(clock.isFrozen()).isTrue();
    clock.set(START); // now itself is not the past
    clock.set(EmulatedClock.MAX_EPOCH_SECONDS);
    assertThat(clock.instant()).hasToString("9999-12-31T23:59:59Z");
  }

  @Test
  void unfreezable_refusesToFreeze_butMovesForward() {
    EmulatedClock clock = EmulatedClock.unfreezable(base, "no freezing here");
    assertThat(clock.canFreeze()).isFalse();
    assertThatThrownBy(clock::freeze)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no freezing here");
    assertThat(clock.isFrozen()).isFalse();
    clock.advance(60);
    assertThat(clock.millis()).isEqualTo((START + 60) * 1000);
    assertThat(EmulatedClock.ticking(base).canFreeze()).isTrue();
  }

  @Test
  void listeners_hearEveryChange_butNotRefusalsOrNoOps() {
    EmulatedClock clock = EmulatedClock.ticking(base);
    List<Long> heard = new ArrayList<>();
    clock.onChange(() -> heard.add(clock.millis()));
    clock.advance(10);
    clock.set(START + 100);
    clock.freeze();
    clock.freeze();
    clock.resume();
    clock.resume();
    assertThatThrownBy(() -> clock.advance(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(heard)
        .containsExactly(
            (START + 10) * 1000, (START + 100) * 1000, (START + 100) * 1000, (START + 100) * 1000);
  }

  @Test
  void concurrentAdvances_allCount() throws Exception {
    EmulatedClock clock = EmulatedClock.frozen(base);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < 4; t++) {
        done.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < 1000; i++) {
                    clock.advance(1);
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(clock.millis()).isEqualTo((START + 4000) * 1000);
  }
}
