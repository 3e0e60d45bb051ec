package dev.flarekv.server.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.server.auth.ScopedToken;
import dev.flarekv.server.modes.Modes;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import dev.flarekv.storage.testkit.MutableClock;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulator controls under {@code /flarekv/v1/} on a real server: authenticated like the API,
 * answered in the Cloudflare envelope, refused to other sites, metered; {@code GET modes} reports
 * the modes the server started with.
 */
class ControlsTest {
  static final String SCOPED = "scoped-token-for-one-account";

  @TempDir Path dir;
  TestServer server;

  TestServer start(Modes modes) {
    server =
        TestServer.start(
            dir,
            List.of(TestServer.TOKEN),
            new MutableClock(TestServer.NOW_SECONDS * 1000),
            c ->
                c.withModes(modes)
                    .withScopedTokens(
                        List.of(new ScopedToken(SCOPED, List.of(TestServer.ACCOUNT)))));
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void modesReportsEveryModeOffByDefault() {
    Reply r = start(Modes.OFF).get("/flarekv/v1/modes");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("success").booleanValue()).isTrue();
    assertThat(r.json().path("errors").isArray()).isTrue();
    assertThat(r.result().toString())
        .isEqualTo(
            "{\"clock\":\"system\",\"limits\":\"off\",\"consistency\":\"strong\","
                + "\"random_seed\":null}");
  }

  @Test
  void modesReportsTheModesTheServerStartedWith() {
    Modes modes =
        Modes.OFF
            .withClock(Modes.Clock.MANUAL)
            .withLimits(Modes.Limits.FREE)
            .withConsistency(Modes.Consistency.EVENTUAL)
            .withRandomSeed(42);
    Reply r = start(modes).get("/flarekv/v1/modes");
    assertThat(r.result().path("clock").textValue()).isEqualTo("manual");
    assertThat(r.result().path("limits").textValue()).isEqualTo("free");
    assertThat(r.result().path("consistency").textValue()).isEqualTo("eventual");
    assertThat(r.result().path("random_seed").longValue()).isEqualTo(42);
  }

  @Test
  void controlsAreAuthenticatedLikeTheApi() {
    start(Modes.OFF);
    Reply none = server.send(plain("GET", "/flarekv/v1/modes").build());
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.json().path("success").booleanValue()).isFalse();
    assertThat(none.errorCode()).isEqualTo(10000);
    Reply wrong =
        server.send(
            plain("GET", "/flarekv/v1/modes").header("Authorization", "Bearer nope").build());
    assertThat(wrong.status()).isEqualTo(401);
    Reply scoped =
        server.send(
            plain("GET", "/flarekv/v1/modes").header("Authorization", "Bearer " + SCOPED).build());
    assertThat(scoped.status()).isEqualTo(200); // reading modes needs no all-accounts token
  }

  @Test
  void unknownControlsAndMethodsGetEnvelopes() {
    start(Modes.OFF);
    Reply unknown = server.get("/flarekv/v1/nothing-here");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.errorCode()).isEqualTo(7003);
    assertThat(unknown.errorMessage()).contains("docs/modes.md");
    Reply method = server.postJson("/flarekv/v1/modes", "{}");
    assertThat(method.status()).isEqualTo(405);
    assertThat(method.json().path("success").booleanValue()).isFalse();
    assertThat(server.get("/flarekv/v2/modes").status()).isEqualTo(404);
  }

  @Test
  void crossSiteRequestsAreRefusedAndSameOriginOnesServed() {
    start(Modes.OFF);
    Reply evil = server.send("GET", "/flarekv/v1/modes", noBody(), "Origin", "http://evil.test");
    assertThat(evil.status()).isEqualTo(403);
    assertThat(evil.errorMessage()).contains("cross-site");
    Reply otherPort =
        server.send("GET", "/flarekv/v1/modes", noBody(), "Origin", "http://127.0.0.1:1");
    assertThat(otherPort.status()).isEqualTo(403);
    Reply fetchSite =
        server.send("GET", "/flarekv/v1/modes", noBody(), "Sec-Fetch-Site", "cross-site");
    assertThat(fetchSite.status()).isEqualTo(403);
    Reply own =
        server.send(
            "GET",
            "/flarekv/v1/modes",
            noBody(),
            "Origin",
            server.origin(),
            "Sec-Fetch-Site",
            "same-origin");
    assertThat(own.status()).isEqualTo(200);
  }

  @Test
  void controlRequestsAreMeteredByRoute() {
    start(Modes.OFF);
    server.get("/flarekv/v1/modes");
    String metrics = server.get("/metrics").text();
    assertThat(metrics).containsPattern("route=\"flarekv/v1/modes\"[^\\n]*status=\"200\"");
  }

  private HttpRequest.Builder plain(String method, String path) {
    return HttpRequest.newBuilder(URI.create(server.origin() + path)).method(method, noBody());
  }

  private static HttpRequest.BodyPublisher noBody() {
    return HttpRequest.BodyPublishers.noBody();
  }
}
