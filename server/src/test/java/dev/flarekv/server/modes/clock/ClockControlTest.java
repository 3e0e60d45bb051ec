package dev.flarekv.server.modes.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.server.auth.ScopedToken;
import dev.flarekv.server.modes.Modes;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import dev.flarekv.storage.clock.EmulatedClock;
import dev.flarekv.storage.testkit.MutableClock;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Refusals of {@code POST /flarekv/v1/clock}: each is a 400 that says why and moves nothing. */
class ClockControlTest {
  static final long NOW = TestServer.NOW_SECONDS;
  static final String SCOPED = "scoped-token-for-one-account";

  @TempDir Path dir;
  TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  void start(Modes.Clock mode) {
    server =
        TestServer.start(
            dir,
            List.of(TestServer.TOKEN),
            new MutableClock(NOW * 1000),
            c ->
                c.withModes(Modes.OFF.withClock(mode))
                    .withScopedTokens(
                        List.of(new ScopedToken(SCOPED, List.of(TestServer.ACCOUNT)))));
  }

  @Test
  void badInput_is400WithTheReason_andLeavesTheClockAsItWas() {
    start(Modes.Clock.MANUAL);
    server.postJson("/flarekv/v1/clock", "{\"advance\":100}");
    JsonNode before = server.get("/flarekv/v1/clock").result();
    record Case(String body, String message) {}
    List<Case> cases =
        List.of(
            new Case("{}", "names no change"),
            new Case("{\"advance\":60,\"set\":" + (NOW + 999) + "}", "names 2 changes"),
            new Case("{\"forward\":60}", "Unknown field \"forward\""),
            new Case("{\"advance\":0}", "positive"),
            new Case("{\"advance\":-60}", "positive"),
            new Case("{\"advance\":1.5}", "whole number of seconds"),
            new Case("{\"advance\":1e3}", "whole number of seconds"),
            new Case("{\"advance\":\"1h\"}", "must be a number of seconds"),
            new Case("{\"advance\":null}", "must be a number of seconds"),
            new Case("{\"advance\":99999999999999999999999}", "out of range"),
            new Case("{\"advance\":9223372036854775807}", "past 9999-12-31T23:59:59Z"),
            new Case("{\"set\":" + (NOW + 99) + "}", "in the past"),
            new Case("{\"set\":-1}", "in the past"),
            new Case("{\"set\":253402300800}", "after the latest emulated time"),
            new Case("{\"frozen\":\"yes\"}", "frozen must be true or false"),
            new Case("{\"frozen\":1}", "frozen must be true or false"),
            new Case("[1]", "must be a JSON object"),
            new Case("not json", ""));
    for (Case c : cases) {
      Reply r = server.postJson("/flarekv/v1/clock", c.body());
      assertThat(r.status()).as(c.body() + " -> " + r).isEqualTo(400);
      assertThat(r.json().path("success").booleanValue()).isFalse();
      assertThat(r.errorMessage()).as(c.body()).contains(c.message());
      assertThat(server.get("/flarekv/v1/clock").result()).as(c.body()).isEqualTo(before);
    }
    assertThat(before.path("now").longValue()).isEqualTo(NOW + 100);
  }

  @Test
  void movingTheClock_needsATokenForEveryAccount_readingItDoesNot() {
    start(Modes.Clock.SYSTEM);
    Reply scoped = server.send(withToken("POST", "{\"advance\":60}", SCOPED));
    assertThat(scoped.status()).as(scoped.toString()).isEqualTo(403);
    assertThat(scoped.errorMessage()).contains("not scoped to accounts");
    Reply read = server.send(withToken("GET", null, SCOPED));
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.result().path("now").longValue()).isEqualTo(NOW);
    assertThat(server.server().clock().millis()).isEqualTo(NOW * 1000);
  }

  HttpRequest withToken(String method, String body, String token) {
    return HttpRequest.newBuilder(URI.create(server.origin() + "/flarekv/v1/clock"))
        .method(
            method,
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .build();
  }

  @Test
  void setToNow_andEqualFreezes_areAccepted() {
    start(Modes.Clock.MANUAL);
    assertThat(server.postJson("/flarekv/v1/clock", "{\"set\":" + NOW + "}").status())
        .isEqualTo(200);
    Reply again = server.postJson("/flarekv/v1/clock", "{\"frozen\":true}");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.result().path("frozen").booleanValue()).isTrue();
    assertThat(again.result().path("can_freeze").booleanValue()).isTrue();
  }

  @Test
  void onCassandra_manualIsRefusedAtStart_andTheClockCannotBeFrozen() {
    MutableClock base = new MutableClock(NOW * 1000);
    assertThatThrownBy(() -> ServerClock.emulate(Modes.Clock.MANUAL, true, base))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--clock manual is not available with --cassandra")
        .hasMessageContaining("docs/cassandra.md");
    EmulatedClock clock = ServerClock.emulate(Modes.Clock.SYSTEM, true, base);
    assertThat(clock.canFreeze()).isFalse();
    assertThatThrownBy(clock::freeze).hasMessageContaining("CQL TTLs");
    clock.advance(60);
    assertThat(clock.millis()).isEqualTo((NOW + 60) * 1000);
    assertThat(ServerClock.emulate(Modes.Clock.MANUAL, false, base).isFrozen()).isTrue();
    assertThat(ServerClock.emulate(Modes.Clock.SYSTEM, false, base).isFrozen()).isFalse();
  }
}
