package dev.flarekv.server.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash-under-load harness: 20 SIGKILLs under 8 small writers (REST and binding), a large bulk
 * writer and a namespace writer; see docs/reliability.md for the model and the properties.
 */
class CrashUnderLoadTest {
  @TempDir Path dir;

  @Test
  void sigkillUnderLoad_losesNoAcknowledgedWrite_noPartialBulk_noHalfDeletedNamespace()
      throws Exception {
    CrashUnderLoad.Result r = CrashUnderLoad.fromSystemProperties(dir.resolve("data")).run();
    assertThat(r.problems()).isEmpty();
    assertThat(r.lost()).isZero();
    assertThat(r.kills()).isEqualTo(Integer.getInteger("flarekv.crash.kills", 20));
    assertThat(r.acknowledgedWrites()).isPositive();
    assertThat(r.bulkItemsAcknowledged()).isPositive();
    assertThat(r.namespaceDeletesAcknowledged()).isPositive();
    assertThat(r.presentWithMetadataAndExpiration()).isPositive();
  }
}
