package dev.flarekv.server.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash-under-load harness in its CI size (5 kills, under 90 s). The full run is the same test
 * with {@code -Dflarekv.crash.kills=20}; see docs/reliability.md.
 */
class CrashUnderLoadTest {
  @TempDir Path dir;

  @Test
  void sigkillUnderLoad_losesNoAcknowledgedWrite() throws Exception {
    CrashUnderLoad.Result r = CrashUnderLoad.fromSystemProperties(dir.resolve("data")).run();
    assertThat(r.problems()).isEmpty();
    assertThat(r.lost()).isZero();
    int requested = Integer.getInteger("flarekv.crash.kills", 5);
    // the CI size stops at its time limit (75 s) on a slow machine, but only after 3 kills
    assertThat(r.kills())
        .isGreaterThanOrEqualTo(requested > 5 ? requested : Math.min(3, requested));
    assertThat(r.acknowledgedWrites()).isPositive();
    assertThat(r.presentWithMetadataAndExpiration()).isPositive();
  }
}
