package dev.flarekv.server.modes.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.server.modes.Modes;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With {@code --random-seed}, which requests a probability rule fails repeats exactly. */
class FaultDeterminismTest {
  static final int REQUESTS = 40;

  @TempDir Path first;
  @TempDir Path second;
  @TempDir Path third;

  @Test
  void theSameSeedFailsTheSameRequests_onBothSurfaces() {
    String a = run(first, Modes.OFF.withRandomSeed(42));
    String b = run(second, Modes.OFF.withRandomSeed(42));
    assertThat(a).isEqualTo(b);
    assertThat(a).contains("F").contains("."); // some fail, some pass
    String other = run(third, Modes.OFF.withRandomSeed(7));
    assertThat(other).isNotEqualTo(a);
  }

  /** Alternating REST and binding reads under a 50% rule: F for a failure, . for a success. */
  private static String run(Path dir, Modes modes) {
    try (FaultsHarness h = FaultsHarness.start(dir, modes)) {
      h.restPut("k", "v");
      h.addRule("{\"status\":503,\"ops\":[\"get\"],\"probability\":0.5}");
      StringBuilder outcome = new StringBuilder();
      for (int i = 0; i < REQUESTS; i++) {
        int status = (i % 2 == 0 ? h.restGet("k") : h.bindGet("k")).status();
        assertThat(status).isIn(200, 503);
        outcome.append(status == 503 ? 'F' : '.');
      }
      assertThat(h.rules().result().path(0).path("fired").asLong())
          .isEqualTo(outcome.chars().filter(c -> c == 'F').count());
      return outcome.toString();
    }
  }
}
