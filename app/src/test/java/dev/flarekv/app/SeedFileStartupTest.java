package dev.flarekv.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flarekv serve --seed FILE} refuses a bad seed with one line naming file, item and rule.
 */
class SeedFileStartupTest {
  @TempDir Path dir;

  @Test
  void aBadItemFailsTheStartWithFileItemAndRule_beforeTheStoreOpens() throws Exception {
    Path seed = dir.resolve("seed.json");
    Files.writeString(
        seed,
        "{\"namespaces\":[{\"title\":\"CACHE_KV\",\"keys\":[{\"key\":\"a\",\"value\":\"1\"},"
            + "{\"key\":\"b\",\"value\":2}]}]}");
    Path data = dir.resolve("data");
    RefusedServe r = RefusedServe.run(dir, data, "--seed", seed.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "flarekv: Bad seed: "
                + seed
                + ": namespace 0 \"CACHE_KV\": item 1: value of \"b\" must be a string");
    assertThat(Files.exists(data.resolve("CURRENT"))).isFalse();
  }
}
