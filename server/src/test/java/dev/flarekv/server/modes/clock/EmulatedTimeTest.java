package dev.flarekv.server.modes.clock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.server.modes.Modes;
import dev.flarekv.server.testkit.Engine;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import dev.flarekv.storage.metrics.MeteredKvStore;
import dev.flarekv.storage.testkit.MutableClock;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Emulated time on a real server: every time decision of both surfaces follows {@code POST
 * /flarekv/v1/clock} (expiry on get, list, bulk get and metadata, the expiration a TTL turns into,
 * the sweeper), driven through the control itself, never by waiting.
 */
class EmulatedTimeTest {
  static final long NOW = TestServer.NOW_SECONDS;
  static final String AUTH = "Bearer " + TestServer.TOKEN;

  @TempDir Path dir;
  TestServer server;
  String nsId;

  /** The storage engine of this class's servers; {@code CassandraEmulatedTimeTest} overrides it. */
  Engine engine() {
    return Engine.ROCKSDB;
  }

  /**
   * A server whose base clock stands at {@link #NOW} and only moves when the test moves it, so with
   * {@code --clock system} too every time is exact.
   */
  void start(Modes.Clock mode) {
    engine().reset();
    server =
        TestServer.start(
            dir,
            List.of(TestServer.TOKEN),
            new MutableClock(NOW * 1000),
            // the schedule alone would not sweep for an hour: only a clock jump can
            c ->
                engine()
                    .configure(c)
                    .withModes(Modes.OFF.withClock(mode))
                    .withSweepInterval(Duration.ofHours(1)));
    nsId = server.createNamespace("clock");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  String values(String key) {
    return TestServer.ns(nsId) + "/values/" + key;
  }

  JsonNode advance(long seconds) {
    Reply r = server.postJson("/flarekv/v1/clock", "{\"advance\":" + seconds + "}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.result();
  }

  Reply bind(String method, String path) {
    return bind(method, path, null);
  }

  Reply bind(String method, String path, String body, String... headers) {
    String[] all = new String[headers.length + 4];
    all[0] = "Authorization";
    all[1] = AUTH;
    all[2] = "X-Flarekv-Namespace";
    all[3] = nsId;
    System.arraycopy(headers, 0, all, 4, headers.length);
    return server.binding(
        method,
        path,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8),
        all);
  }

  @Test
  void getClock_reportsTheServersTime_andSystemModeTicksWithItsBase() {
    start(Modes.Clock.SYSTEM);
    JsonNode state = server.get("/flarekv/v1/clock").result();
    assertThat(state.path("now").longValue()).isEqualTo(NOW);
    assertThat(state.path("now_ms").longValue()).isEqualTo(NOW * 1000);
    assertThat(state.path("frozen").booleanValue()).isFalse();
    assertThat(state.path("offset_seconds").longValue()).isZero();
    server.clock().advanceSeconds(5); // the base clock ticks
    assertThat(server.get("/flarekv/v1/clock").result().path("now").longValue()).isEqualTo(NOW + 5);
    JsonNode moved = advance(3600);
    assertThat(moved.path("now").longValue()).isEqualTo(NOW + 3605);
    assertThat(moved.path("offset_seconds").longValue()).isEqualTo(3600);
    assertThat(server.server().clock().millis()).isEqualTo((NOW + 3605) * 1000);
  }

  @Test
  void manualMode_startsFrozen_andStandsStillWhileTheBaseTicks() {
    start(Modes.Clock.MANUAL);
    JsonNode first = server.get("/flarekv/v1/clock").result();
    server.clock().advanceSeconds(120);
    JsonNode second = server.get("/flarekv/v1/clock").result();
    assertThat(first.path("frozen").booleanValue()).isTrue();
    assertThat(second).isEqualTo(((ObjectNode) first.deepCopy()).put("offset_seconds", -120));
    assertThat(second.path("now").longValue()).isEqualTo(NOW);
    assertThat(advance(90).path("now").longValue()).isEqualTo(NOW + 90);
    Reply resumed = server.postJson("/flarekv/v1/clock", "{\"frozen\":false}");
    assertThat(resumed.result().path("frozen").booleanValue()).isFalse();
    server.clock().advanceSeconds(10);
    assertThat(server.get("/flarekv/v1/clock").result().path("now").longValue())
        .isEqualTo(NOW + 100);
    Reply frozen = server.postJson("/flarekv/v1/clock", "{\"frozen\":true}");
    assertThat(frozen.result().path("frozen").booleanValue()).isTrue();
    server.clock().advanceSeconds(10);
    assertThat(server.get("/flarekv/v1/clock").result().path("now").longValue())
        .isEqualTo(NOW + 100);
    Reply set = server.postJson("/flarekv/v1/clock", "{\"set\":" + (NOW + 86_400) + "}");
    assertThat(set.result().path("now").longValue()).isEqualTo(NOW + 86_400);
  }

  @Test
  void rest_expiryAndExpirations_followTheEmulatedClock() {
    start(Modes.Clock.SYSTEM);
    advance(1000);
    assertThat(server.put(values("k") + "?expiration_ttl=3600", "v").status()).isEqualTo(200);
    server.put(values("forever"), "f");
    Reply got = server.get(values("k"));
    assertThat(got.headers().firstValue("expiration")).hasValue(Long.toString(NOW + 4600));
    JsonNode listed = server.get(TestServer.ns(nsId) + "/keys").result();
    assertThat(listed.get(0).path("name").asText()).isEqualTo("forever");
    assertThat(listed.get(1).path("expiration").longValue()).isEqualTo(NOW + 4600);

    advance(3599); // one second before expiry: still there
    assertThat(server.get(values("k")).status()).isEqualTo(200);
    advance(1);
    assertThat(server.get(values("k")).status()).isEqualTo(404);
    assertThat(server.get(TestServer.ns(nsId) + "/metadata/k").status()).isEqualTo(404);
    JsonNode keys = server.get(TestServer.ns(nsId) + "/keys").result();
    assertThat(keys).hasSize(1);
    assertThat(keys.get(0).path("name").asText()).isEqualTo("forever");
    Reply bulk =
        server.postJson(TestServer.ns(nsId) + "/bulk/get", "{\"keys\":[\"k\",\"forever\"]}");
    assertThat(bulk.status()).as(bulk.toString()).isEqualTo(200);
    assertThat(bulk.result().path("values").path("k").isNull()).isTrue();
    assertThat(bulk.result().path("values").path("forever").asText()).isEqualTo("f");
  }

  @Test
  void binding_expiryAndExpirations_followTheEmulatedClock() {
    start(Modes.Clock.SYSTEM);
    advance(1000);
    assertThat(bind("PUT", "/k?urlencoded=true&expiration_ttl=3600", "v").status()).isEqualTo(200);
    bind("PUT", "/forever?urlencoded=true", "f");
    assertThat(bind("GET", "/k?urlencoded=true").headers().firstValue("cf-expiration"))
        .hasValue(Long.toString(NOW + 4600));
    assertThat(bind("GET", "/").json().path("keys").get(1).path("expiration").longValue())
        .isEqualTo(NOW + 4600);
    // the same key over REST carries the same expiration
    assertThat(server.get(values("k")).headers().firstValue("expiration"))
        .hasValue(Long.toString(NOW + 4600));

    advance(3600);
    assertThat(bind("GET", "/k?urlencoded=true").status()).isEqualTo(404);
    JsonNode list = bind("GET", "/").json();
    assertThat(list.path("keys")).hasSize(1);
    assertThat(list.path("keys").get(0).path("name").asText()).isEqualTo("forever");
    Reply bulk = bind("POST", "/bulk/get", "{\"keys\":[\"k\",\"forever\"]}");
    assertThat(bulk.text()).isEqualTo("{\"k\":null,\"forever\":\"f\"}");
    Reply withMeta = bind("POST", "/bulk/get", "{\"keys\":[\"k\"],\"withMetadata\":true}");
    assertThat(withMeta.text()).isEqualTo("{\"k\":null}");
  }

  @Test
  void aClockJump_isSweptAtOnce_withoutWaitingForTheSchedule() throws Exception {
    start(Modes.Clock.SYSTEM);
    server.put(values("a") + "?expiration_ttl=60", "v");
    bind("PUT", "/b?urlencoded=true&expiration_ttl=120", "v");
    server.put(values("forever"), "f");
    assertThat(swept()).isZero();
    advance(120);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (swept() < 2 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      Thread.sleep(5); // polls the state; the sweep runs on the sweeper's thread
    }
    assertThat(swept()).isEqualTo(2);
    assertThat(server.get(values("forever")).status()).isEqualTo(200);
  }

  double swept() {
    var counter = server.server().registry().find(MeteredKvStore.SWEPT).counter();
    return counter == null ? 0 : counter.count();
  }
}
