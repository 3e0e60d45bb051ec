package dev.flarekv.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flarekv serve --tokens-file} refuses a malformed file with one line naming it. */
class TokensFileStartupTest {
  @TempDir Path dir;

  @Test
  void malformedLine_failsStartWithFileAndLine_andNoToken() throws Exception {
    Path tokens = dir.resolve("tokens.txt");
    Files.writeString(tokens, "# ok\ngood-token acct-a\nsecret-token-xyz acct-a bad\n");
    RefusedServe r = RefusedServe.run(dir, dir.resolve("data"), "--tokens-file", tokens.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "flarekv: tokens file "
                + tokens
                + " line 3: expected '<token> <account-id>[,<account-id>...]' (2 fields), found 3");
    assertThat(Files.exists(dir.resolve("data"))).isFalse();
  }
}
