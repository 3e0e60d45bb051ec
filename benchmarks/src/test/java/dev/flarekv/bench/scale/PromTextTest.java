package dev.flarekv.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class PromTextTest {
  private static final String NAME = "flarekv_store_expired_swept_total";

  @Test
  void readsAnUnlabelledCounter() {
    String text =
        """
        # HELP flarekv_store_expired_swept_total Expired pairs removed by the sweeper
        # TYPE flarekv_store_expired_swept_total counter
        flarekv_store_expired_swept_total 1000000.0
        """;
    assertThat(PromText.sum(text, NAME)).isEqualTo(OptionalDouble.of(1_000_000));
  }

  @Test
  void sumsLabelSetsAndIgnoresLongerNamesAndComments() {
    String text =
        """
        # flarekv_store_expired_swept_total 5
        flarekv_store_expired_swept_total{store="rocks",note="a } b \\" c"} 30.0
        flarekv_store_expired_swept_total{store="memory"} 12 1700000000000
        flarekv_store_expired_swept_total_created 1.7E9
        flarekv_store_expired_swept 99
        jvm_memory_used_bytes{area="heap"} 1.0E8
        """;
    assertThat(PromText.sum(text, NAME)).isEqualTo(OptionalDouble.of(42));
  }

  @Test
  void emptyWhenAbsent() {
    assertThat(PromText.sum("jvm_threads_live_threads 40\n", NAME)).isEmpty();
    assertThat(PromText.sum("", NAME)).isEmpty();
  }

  @Test
  void scientificNotationAsPrometheusPrintsIt() {
    assertThat(PromText.sum(NAME + " 1.0E6\n", NAME)).isEqualTo(OptionalDouble.of(1e6));
  }
}
