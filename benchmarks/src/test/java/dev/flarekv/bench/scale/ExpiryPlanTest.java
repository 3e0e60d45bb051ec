package dev.flarekv.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExpiryPlanTest {
  @Test
  void instantIsPreloadPlusSixtySecondsPlusMarginRoundedUp() {
    // 1,000,000 keys at 20,000/s = 50 s; + 60 s minimum + 5 s margin; 0.5 s rounds up
    ExpiryPlan p = ExpiryPlan.compute(1_000_000_500L, 1_000_000, 20_000, 5);
    assertThat(p.instantSeconds()).isEqualTo(1_000_000 + 50 + 60 + 5 + 1);
  }

  @Test
  void exactSecondIsNotRoundedUp() {
    ExpiryPlan p = ExpiryPlan.compute(2_000_000_000L, 0, 1, 0);
    assertThat(p.instantSeconds()).isEqualTo(2_000_000 + 60);
  }

  @Test
  void writableWhileTheLastWriteIsStillSixtySecondsBefore() {
    long start = 1_700_000_000_000L;
    ExpiryPlan p = ExpiryPlan.compute(start, 100_000, 10_000, 5); // 10 s of preload planned
    assertThat(p.writableAt(start)).isTrue();
    // planned end of the preload: still fine, with the margin to spare
    assertThat(p.writableAt(start + 10_000)).isTrue();
    // 60 s - slack before the instant is the last moment the server would accept it
    long last = p.instantMillis() - 60_000 - ExpiryPlan.WRITE_SLACK_MILLIS;
    assertThat(p.writableAt(last)).isTrue();
    assertThat(p.writableAt(last + 1)).isFalse();
  }

  @Test
  void instantOnTheNanoClock() {
    ExpiryPlan p = new ExpiryPlan(1_000, 60);
    // wall clock 999.5 s when nanoTime reads 42: the instant is 0.5 s later on the nano scale
    assertThat(p.instantNanos(999_500, 42)).isEqualTo(42 + 500_000_000L);
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> ExpiryPlan.compute(0, 10, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
