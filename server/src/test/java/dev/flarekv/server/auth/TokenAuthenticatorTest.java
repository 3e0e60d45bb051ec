package dev.flarekv.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The token checks themselves: blank credentials and blank tokens, and the metrics-only kind. */
class TokenAuthenticatorTest {
  @Test
  void blankTokens_areRefused_fromEveryKind() {
    for (String blank : List.of("", " ", "\t", "\u2003", "\u0001")) {
      assertThatThrownBy(() -> new TokenAuthenticator(List.of(blank)))
          .hasMessageContaining("empty or only whitespace");
      assertThatThrownBy(() -> new ScopedToken(blank, List.of("a")))
          .hasMessageContaining("empty or only whitespace");
      assertThatThrownBy(() -> new TokenAuthenticator(List.of("t"), List.of(), List.of(blank)))
          .hasMessageContaining("empty or only whitespace");
    }
    assertThatThrownBy(() -> new TokenAuthenticator(List.of(" padded ")))
        .hasMessageContaining("starts or ends with whitespace");
  }

  @Test
  void aTokensFileLineWithABlankToken_isRefused_withoutQuotingIt() {
    assertThatThrownBy(() -> TokensFile.parse("f", List.of("good acct", "\u0001 acct")))
        .hasMessageStartingWith("tokens file f line 2: the token is empty or only whitespace")
        .hasMessageNotContaining("\u0001");
    assertThatThrownBy(() -> TokensFile.parse("f", List.of("\u001ftok\u0001 acct")))
        .hasMessageStartingWith("tokens file f line 1: the token starts or ends with whitespace");
  }

  @Test
  void anEmptyCredential_neverAuthenticates() {
    TokenAuthenticator auth = new TokenAuthenticator(List.of("t"), List.of(), List.of("m"));
    for (String header : List.of("Bearer ", "Bearer    ", "Bearer \t", "bearer ", "Bearer")) {
      assertThat(auth.principal(header)).as(header).isNull();
      assertThat(auth.mayReadMetrics(header)).as(header).isFalse();
    }
    assertThat(auth.principal(null)).isNull();
    assertThat(auth.principal("Bearer t").allAccounts()).isTrue();
    assertThat(auth.principal("Bearer t").tokenId()).isEqualTo("token-1");
  }

  @Test
  void aMetricsToken_readsMetricsOnly_andDoesNotCloseTheApi() {
    TokenAuthenticator metricsOnly = new TokenAuthenticator(List.of(), List.of(), List.of("m"));
    assertThat(metricsOnly.isOpen()).isTrue();
    assertThat(metricsOnly.mayReadMetrics(null)).isFalse();
    assertThat(metricsOnly.mayReadMetrics("Bearer m")).isTrue();

    TokenAuthenticator both =
        new TokenAuthenticator(
            List.of("t"), List.of(new ScopedToken("s", List.of("a"))), List.of("m"));
    assertThat(both.isOpen()).isFalse();
    assertThat(both.principal("Bearer m")).isNull();
    assertThat(both.principal("Bearer s").accounts()).containsExactly("a");
    assertThat(both.mayReadMetrics("Bearer m")).isTrue();
    assertThat(both.mayReadMetrics("Bearer t")).isTrue();
    assertThat(both.mayReadMetrics("Bearer s")).isTrue();
    assertThat(both.mayReadMetrics("Bearer x")).isFalse();

    TokenAuthenticator open = new TokenAuthenticator(List.of());
    assertThat(open.mayReadMetrics(null)).isTrue();
    assertThat(open.principal(null)).isEqualTo(Principal.ALL_ACCOUNTS);
  }
}
