package dev.flarekv.server.modes.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.server.auth.ScopedToken;
import dev.flarekv.server.modes.Modes;
import dev.flarekv.server.testkit.RawHttp;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import dev.flarekv.storage.testkit.MutableClock;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --limits free|paid} on a real server, on both surfaces, driven by the emulated clock: the
 * same-key write rate, the REST request rate per token, and the usage control.
 */
class LimitsModeTest {
  static final String AUTH = "Bearer " + TestServer.TOKEN;
  static final String SCOPED = "scoped-token-for-other-account";

  @TempDir Path dir;
  TestServer server;
  String ns;

  TestServer start(Modes.Limits limits) {
    server =
        TestServer.start(
            dir,
            List.of(TestServer.TOKEN),
            new MutableClock(TestServer.NOW_SECONDS * 1000),
            c ->
                c.withModes(Modes.OFF.withLimits(limits))
                    .withScopedTokens(List.of(new ScopedToken(SCOPED, List.of("other")))));
    ns = server.createNamespace("limits");
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  String values(String key) {
    return TestServer.ns(ns) + "/values/" + key;
  }

  Reply bind(String method, String path, String body) {
    return server.binding(
        method,
        path,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body),
        "Authorization",
        AUTH,
        "X-Flarekv-Namespace",
        ns);
  }

  /** One raw binding exchange, to read the reason phrase workerd shows the Worker. */
  static RawHttp.Response raw(TestServer server, String ns, String method, String path, String body)
      throws Exception {
    try (RawHttp http = new RawHttp(server.bindingPort())) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      http.write(
          (method
                  + " "
                  + path
                  + " HTTP/1.1\r\nHost: fake-host\r\nAuthorization: "
                  + AUTH
                  + "\r\nX-Flarekv-Namespace: "
                  + ns
                  + "\r\nContent-Length: "
                  + bytes.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      http.write(bytes);
      return http.read();
    }
  }

  @Test
  void rest_aSecondWriteToOneKeyInOneSecond_gets429_untilTheClockMovesOn() {
    start(Modes.Limits.FREE);
    assertThat(server.put(values("login:1.2.3.4"), "1").status()).isEqualTo(200);
    Reply second = server.put(values("login:1.2.3.4"), "2");
    assertThat(second.status()).isEqualTo(429);
    assertThat(second.errorCode()).isEqualTo(10022);
    assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(server.delete(values("login:1.2.3.4")).status())
        .as("a delete writes")
        .isEqualTo(429);
    assertThat(server.get(values("login:1.2.3.4")).text())
        .as("refused, changed nothing")
        .isEqualTo("1");
    assertThat(server.put(values("login:5.6.7.8"), "1").status()).as("other key").isEqualTo(200);
    server.clock().advanceMillis(999);
    assertThat(server.put(values("login:1.2.3.4"), "2").status())
        .as("still the same second")
        .isEqualTo(429);
    server.clock().advanceMillis(1);
    assertThat(server.put(values("login:1.2.3.4"), "3").status()).isEqualTo(200);
    assertThat(server.get(values("login:1.2.3.4")).text()).isEqualTo("3");
  }

  @Test
  void rest_aBulkWriteWithAKeyWrittenThisSecond_isRefusedWhole() {
    start(Modes.Limits.PAID);
    assertThat(server.put(values("a"), "1").status()).isEqualTo(200);
    Reply bulk =
        server.putJson(
            TestServer.ns(ns) + "/bulk",
            "[{\"key\":\"b\",\"value\":\"x\"},{\"key\":\"a\",\"value\":\"x\"}]");
    assertThat(bulk.status()).isEqualTo(429);
    assertThat(server.get(values("b")).status()).as("nothing written").isEqualTo(404);
    server.clock().advanceSeconds(1);
    assertThat(
            server
                .putJson(TestServer.ns(ns) + "/bulk", "[{\"key\":\"a\",\"value\":\"x\"}]")
                .status())
        .isEqualTo(200);
  }

  @Test
  void binding_aSecondWriteToOneKeyInOneSecond_isTooManyRequests() throws Exception {
    start(Modes.Limits.PAID);
    assertThat(bind("PUT", "/login%3A1.2.3.4", "1").status()).isEqualTo(200);
    RawHttp.Response second = raw(server, ns, "PUT", "/login%3A1.2.3.4", "2");
    assertThat(second.status()).isEqualTo(429);
    // workerd: "KV PUT failed: 429 Too Many Requests"
    assertThat(second.reason()).isEqualTo("Too Many Requests");
    assertThat(bind("PUT", "/login%3A5.6.7.8", "1").status()).isEqualTo(200);
    assertThat(bind("GET", "/login%3A1.2.3.4", null).text()).isEqualTo("1");
    server.clock().advanceSeconds(1);
    assertThat(bind("PUT", "/login%3A1.2.3.4", "3").status()).isEqualTo(200);
    assertThat(bind("GET", "/login%3A1.2.3.4", null).text()).isEqualTo("3");
  }

  @Test
  void rest_the1201stRequestOfATokenIn5Minutes_gets429_controlsAndTheBindingDoNotCount() {
    start(Modes.Limits.PAID);
    String missing = values("missing");
    for (int i = 1; i < LimitsPlan.REST_REQUESTS; i++) { // createNamespace was the first
      assertThat(server.get(missing).status()).as("request %d", i + 1).isEqualTo(404);
      if (i % 400 == 0) {
        server.clock().advanceSeconds(60); // the window slides: all still within 5 minutes
        assertThat(server.get("/flarekv/v1/modes").status()).isEqualTo(200);
        assertThat(bind("GET", "/missing", null).status()).isEqualTo(404);
      }
    }
    Reply refused = server.get(missing);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.errorCode()).isEqualTo(971);
    assertThat(refused.errorMessage())
        .isEqualTo("Please wait and consider throttling your request speed");
    // the first request was at t=0: it leaves the window at t=300; now t=120
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("180");
    Reply scoped =
        server.send(
            HttpRequest.newBuilder(
                    java.net.URI.create(
                        server.origin() + "/client/v4/accounts/other/storage/kv/namespaces"))
                .header("Authorization", "Bearer " + SCOPED)
                .GET()
                .build());
    assertThat(scoped.status()).as("another token has its own count").isEqualTo(200);
    assertThat(server.get("/flarekv/v1/modes").status()).as("controls").isEqualTo(200);
    server.clock().advanceSeconds(179);
    assertThat(server.get(missing).status()).isEqualTo(429);
    server.clock().advanceSeconds(1);
    assertThat(server.get(missing).status()).isEqualTo(404);
  }

  @Test
  void anOpenServer_countsEveryRequestAsOneAnonymousToken() {
    server =
        TestServer.start(
            dir,
            List.of(),
            new MutableClock(TestServer.NOW_SECONDS * 1000),
            c -> c.withModes(Modes.OFF.withLimits(Modes.Limits.PAID)));
    ns = server.createNamespace("open");
    for (int i = 1; i < LimitsPlan.REST_REQUESTS; i++) {
      server.get(values("k"));
    }
    assertThat(server.get(values("k")).status()).isEqualTo(429);
  }

  @Test
  void usage_onAServerWithoutFreeLimits_saysHowToTurnItOn() {
    start(Modes.Limits.PAID);
    Reply r = server.get("/flarekv/v1/usage");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorMessage()).contains("start flarekv with --limits free");
  }

  @Test
  void limitsOff_changeNothing_andUsageSaysHowToTurnThemOn() {
    start(Modes.Limits.OFF);
    for (int i = 0; i < 3; i++) {
      assertThat(server.put(values("k"), "v" + i).status()).isEqualTo(200);
      assertThat(bind("PUT", "/k", "w" + i).status()).isEqualTo(200);
    }
    Reply r = server.get("/flarekv/v1/usage");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorMessage())
        .isEqualTo(
            "This server runs --limits off, which counts no daily quotas; start flarekv with"
                + " --limits free to count them");
    assertThat(server.get("/metrics").text()).doesNotContain("flarekv_limits_");
  }
}
