package dev.flarekv.server.modes.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.server.auth.ScopedToken;
import dev.flarekv.server.modes.Modes;
import dev.flarekv.server.testkit.RawHttp;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import dev.flarekv.storage.testkit.MutableClock;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --limits free}: each daily quota, spent through both surfaces, refused on both (REST:
 * 10048; binding: the runtime's {@code KV <op>() limit exceeded for the day.}), and counted again
 * from zero once the emulated clock passes 00:00 UTC; the usage control and the metrics.
 */
class QuotasModeTest {
  static final String AUTH = "Bearer " + TestServer.TOKEN;
  static final String SCOPED = "scoped-token-for-other-account";

  /** 00:00 UTC after {@link TestServer#NOW_SECONDS} (2023-11-14T22:13:20Z). */
  static final long MIDNIGHT = 1_700_006_400L;

  static final String FREE_MESSAGE =
      "your account has reached the free usage limit for this operation for today";

  @TempDir Path dir;
  TestServer server;
  String ns;

  @BeforeEach
  void start() {
    start("quotas");
  }

  void start(String title) {
    server =
        TestServer.start(
            dir,
            List.of(TestServer.TOKEN),
            new MutableClock(TestServer.NOW_SECONDS * 1000),
            c ->
                c.withModes(Modes.OFF.withLimits(Modes.Limits.FREE))
                    .withScopedTokens(List.of(new ScopedToken(SCOPED, List.of("other")))));
    ns = server.createNamespace(title);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  String base() {
    return TestServer.ns(ns);
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

  static String jsonArray(String prefix, int from, int to, boolean pairs) {
    StringBuilder b = new StringBuilder("[");
    for (int i = from; i < to; i++) {
      b.append(i == from ? "" : ",");
      b.append(
          pairs ? "{\"key\":\"" + prefix + i + "\",\"value\":\"v\"}" : "\"" + prefix + i + "\"");
    }
    return b.append(']').toString();
  }

  void assertRestRefused(Reply r) {
    assertThat(r.status()).isEqualTo(429);
    assertThat(r.errorCode()).isEqualTo(10048);
    assertThat(r.errorMessage()).isEqualTo(FREE_MESSAGE);
    assertThat(r.headers().firstValue("Retry-After"))
        .hasValue(Long.toString(MIDNIGHT - server.clock().seconds()));
  }

  void assertBindingRefused(String method, String path, String body, String op) throws Exception {
    RawHttp.Response r = LimitsModeTest.raw(server, ns, method, path, body);
    assertThat(r.status()).isEqualTo(429);
    assertThat(r.reason()).isEqualTo("KV " + op + "() limit exceeded for the day.");
  }

  void passMidnight() {
    server.clock().setSeconds(MIDNIGHT);
  }

  @Test
  void writes_1000aDay_thenRefusedOnBothSurfaces_untilMidnight() throws Exception {
    assertThat(server.putJson(base() + "/bulk", jsonArray("k", 0, 999, true)).status())
        .as("a bulk write of 999 pairs is 999 writes")
        .isEqualTo(200);
    assertThat(bind("PUT", "/last", "v").status()).isEqualTo(200);
    assertRestRefused(server.put(base() + "/values/more", "v"));
    assertRestRefused(server.putJson(base() + "/bulk", jsonArray("b", 0, 1, true)));
    assertBindingRefused("PUT", "/more", "v", "put");
    assertThat(server.get(base() + "/values/more").status()).as("nothing written").isEqualTo(404);
    JsonNode usage = usage().path("accounts").get(0);
    assertThat(usage.path("writes").path("used").longValue()).isEqualTo(1000);
    assertThat(usage.path("writes").path("limit").longValue()).isEqualTo(1000);
    passMidnight();
    assertThat(server.put(base() + "/values/more", "v").status()).isEqualTo(200);
    assertThat(bind("PUT", "/more2", "v").status()).isEqualTo(200);
    assertThat(usage().path("accounts").get(0).path("writes").path("used").longValue())
        .isEqualTo(2);
  }

  @Test
  void deletes_1000aDay_bulkDeletesCountPerKey() throws Exception {
    assertThat(server.postJson(base() + "/bulk/delete", jsonArray("k", 0, 1000, false)).status())
        .isEqualTo(200);
    assertRestRefused(server.delete(base() + "/values/k1"));
    assertBindingRefused("DELETE", "/k1", "", "delete");
    assertThat(usage().path("accounts").get(0).path("deletes").path("used").longValue())
        .isEqualTo(1000);
    passMidnight();
    assertThat(server.delete(base() + "/values/k1").status()).isEqualTo(200);
    assertThat(bind("DELETE", "/k2", null).status()).isEqualTo(200);
  }

  @Test
  void lists_1000aDay_onBothSurfaces() throws Exception {
    for (int i = 0; i < 500; i++) {
      assertThat(server.get(base() + "/keys").status()).isEqualTo(200);
      assertThat(bind("GET", "/", null).status()).isEqualTo(200);
    }
    assertRestRefused(server.get(base() + "/keys"));
    assertBindingRefused("GET", "/", "", "list");
    passMidnight();
    assertThat(server.get(base() + "/keys").status()).isEqualTo(200);
    assertThat(bind("GET", "/", null).status()).isEqualTo(200);
  }

  @Test
  void reads_100000aDay_bulkGetsCountPerKey_missingKeysCount() throws Exception {
    String hundred = "{\"keys\":" + jsonArray("k", 0, 100, false) + "}";
    for (int i = 0; i < 500; i++) {
      assertThat(server.postJson(base() + "/bulk/get", hundred).status()).isEqualTo(200);
      assertThat(bind("POST", "/bulk/get", hundred).status()).isEqualTo(200);
    }
    assertThat(usage().path("accounts").get(0).path("reads").path("used").longValue())
        .isEqualTo(100_000);
    assertRestRefused(server.get(base() + "/values/k1"));
    assertRestRefused(server.get(base() + "/metadata/k1"));
    assertBindingRefused("GET", "/k1", "", "get");
    assertBindingRefused("POST", "/bulk/get", hundred, "get");
    passMidnight();
    assertThat(server.get(base() + "/values/k1").status()).isEqualTo(404);
    assertThat(bind("GET", "/k1", null).status()).isEqualTo(404);
  }

  @Test
  void usage_showsTheDayItsResetAndEveryQuota_aScopedTokenOnlyItsAccounts() {
    assertThat(server.put(base() + "/values/k", "12345").status()).isEqualTo(200);
    assertThat(server.get(base() + "/values/k").status()).isEqualTo(200);
    JsonNode u = usage();
    assertThat(u.path("plan").textValue()).isEqualTo("free");
    assertThat(u.path("day").textValue()).isEqualTo("2023-11-14");
    assertThat(u.path("resets_at").longValue()).isEqualTo(MIDNIGHT);
    assertThat(u.path("resets_at_utc").textValue()).isEqualTo("2023-11-15T00:00Z");
    JsonNode a = u.path("accounts").get(0);
    assertThat(a.path("account").textValue()).isEqualTo(TestServer.ACCOUNT);
    assertThat(a.path("reads").path("used").longValue()).isEqualTo(1);
    assertThat(a.path("reads").path("limit").longValue()).isEqualTo(100_000);
    assertThat(a.path("writes").path("used").longValue()).isEqualTo(1);
    assertThat(a.path("deletes").path("used").longValue()).isZero();
    assertThat(a.path("lists").path("limit").longValue()).isEqualTo(1000);
    assertThat(a.path("stored_bytes").path("used").longValue()).isEqualTo(6); // "k" + "12345"
    assertThat(a.path("stored_bytes").path("limit").longValue()).isEqualTo(1_000_000_000L);

    Reply scoped = scoped("/flarekv/v1/usage");
    assertThat(scoped.status()).isEqualTo(200);
    assertThat(scoped.result().path("accounts")).hasSize(1);
    assertThat(scoped.result().path("accounts").get(0).path("account").textValue())
        .isEqualTo("other");
    Reply forbidden = scoped("/flarekv/v1/usage?account=" + TestServer.ACCOUNT);
    assertThat(forbidden.status()).isEqualTo(403);
    Reply bad = server.get("/flarekv/v1/usage?account=no%20such");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.errorMessage()).contains("account must be an account id");
  }

  @Test
  void storedBytes_areExactAfterARestart_andDeletesGiveThemBack() {
    assertThat(server.put(base() + "/values/key1", "0123456789").status()).isEqualTo(200);
    server.close();
    start("second");
    String second = ns;
    assertThat(server.put(TestServer.ns(second) + "/values/k", "v").status()).isEqualTo(200);
    assertThat(stored()).isEqualTo(14 + 2);
    server.clock().advanceSeconds(1); // one write per second to a key
    assertThat(server.delete(TestServer.ns(second) + "/values/k").status()).isEqualTo(200);
    assertThat(stored()).isEqualTo(14);
  }

  @Test
  void metrics_exportUsageQuotasAndRefusals() {
    assertThat(server.put(base() + "/values/k", "v").status()).isEqualTo(200);
    assertThat(server.put(base() + "/values/k", "v").status()).isEqualTo(429);
    String metrics = server.get("/metrics").text();
    assertThat(metrics)
        .contains("flarekv_limits_usage{account=\"acct123\",quota=\"writes\"} 1.0")
        .contains("flarekv_limits_quota{quota=\"reads\"} 100000.0")
        .contains("flarekv_limits_refusals_total{reason=\"same_key_write\"} 1.0");
  }

  /** A GET with the scoped token only. */
  Reply scoped(String path) {
    return server.send(
        HttpRequest.newBuilder(java.net.URI.create(server.origin() + path))
            .header("Authorization", "Bearer " + SCOPED)
            .GET()
            .build());
  }

  long stored() {
    return usage().path("accounts").get(0).path("stored_bytes").path("used").longValue();
  }

  JsonNode usage() {
    Reply r = server.get("/flarekv/v1/usage");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.result();
  }
}
