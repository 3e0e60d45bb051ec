package dev.flarekv.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flarekv serve --faults FILE} refuses a bad file with one line naming it and the rule. */
class FaultsFileStartupTest {
  @TempDir Path dir;

  @Test
  void aMalformedRuleFailsTheStartWithFileAndRule_beforeTheStoreOpens() throws Exception {
    Path faults = dir.resolve("faults.json");
    Files.writeString(
        faults, "[{\"status\":503,\"ops\":[\"get\"]},\n {\"status\":503,\"probability\":1.5}]");
    Path data = dir.resolve("data");
    RefusedServe r = RefusedServe.run(dir, data, "--faults", faults.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "flarekv: faults file "
                + faults
                + " rule 2: probability must be a number from 0 to 1, got 1.5");
    assertThat(Files.exists(data.resolve("CURRENT"))).isFalse();
  }
}
