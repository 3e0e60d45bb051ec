package dev.flarekv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.server.auth.ScopedToken;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import dev.flarekv.storage.testkit.MutableClock;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} takes a token whenever the server has any: a {@code --metrics-token}, or any API
 * or scoped token. It is open only on a server with no token at all; {@code /healthz} always is.
 */
class MetricsAuthTest {
  static final String METRICS_TOKEN = "scrape-token-456";
  static final String SCOPED_TOKEN = "scoped-token-789";

  @TempDir Path dir;

  private static TestServer start(Path dir, List<String> tokens, UnaryOperator<ServerConfig> c) {
    return TestServer.start(dir, tokens, new MutableClock(TestServer.NOW_SECONDS * 1000), c);
  }

  private static Reply get(TestServer server, String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.origin() + path)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return server.send(b.build());
  }

  private static void assertMetrics(Reply r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.text()).contains("# TYPE flarekv_store_expired_swept_total counter");
  }

  private static void assertRefused(Reply r) {
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.errorCode()).isEqualTo(10000);
    assertThat(r.text()).doesNotContain("flarekv_store_expired_swept_total");
  }

  @Test
  void withApiTokens_metricsNeedsOne_anyKind() {
    try (TestServer server =
        start(
            dir,
            List.of(TestServer.TOKEN),
            c -> c.withScopedTokens(List.of(new ScopedToken(SCOPED_TOKEN, List.of("acct-b")))))) {
      server.createNamespace("m");
      assertRefused(get(server, "/metrics", null));
      assertRefused(get(server, "/metrics", "wrong-token"));
      assertRefused(get(server, "/metrics", ""));
      assertMetrics(get(server, "/metrics", TestServer.TOKEN));
      assertMetrics(get(server, "/metrics", SCOPED_TOKEN));
      assertThat(get(server, "/healthz", null).status()).isEqualTo(200);
    }
  }

  @Test
  void aMetricsToken_readsMetrics_andNothingElse() {
    try (TestServer server =
        start(dir, List.of(TestServer.TOKEN), c -> c.withMetricsTokens(List.of(METRICS_TOKEN)))) {
      assertRefused(get(server, "/metrics", null));
      assertMetrics(get(server, "/metrics", METRICS_TOKEN));
      assertMetrics(get(server, "/metrics", TestServer.TOKEN));
      Reply api = get(server, "/client/v4/memberships", METRICS_TOKEN);
      assertThat(api.status()).isEqualTo(401);
      assertThat(server.get("/client/v4/memberships").status()).isEqualTo(200);
    }
  }

  @Test
  void anOpenServer_keepsMetricsOpen() {
    try (TestServer server = start(dir, List.of(), UnaryOperator.identity())) {
      assertMetrics(get(server, "/metrics", null));
      assertThat(get(server, "/healthz", null).status()).isEqualTo(200);
    }
  }

  @Test
  void anOpenServerWithAMetricsToken_protectsOnlyMetrics() {
    try (TestServer server =
        start(dir, List.of(), c -> c.withMetricsTokens(List.of(METRICS_TOKEN)))) {
      assertRefused(get(server, "/metrics", null));
      assertMetrics(get(server, "/metrics", METRICS_TOKEN));
      assertThat(get(server, "/client/v4/memberships", null).status()).isEqualTo(200);
    }
  }
}
