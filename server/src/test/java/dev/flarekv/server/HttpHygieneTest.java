package dev.flarekv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.server.testkit.RawHttp;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Routing errors, auth, health, metrics and malformed HTTP: clear envelopes, nothing changed. */
class HttpHygieneTest {
  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  String auth() {
    return "Authorization: Bearer " + TestServer.TOKEN + "\r\n";
  }

  @Test
  void unknownRoute_is404NoRouteEnvelope() {
    for (String path :
        List.of("/client/v4/nope", "/client/v4/accounts/a/storage/kv/other", "/", "/whatever")) {
      Reply r = server.get(path);
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.json().path("success").asBoolean()).isFalse();
      assertThat(r.errorCode()).isEqualTo(7003);
    }
  }

  @Test
  void wrongMethod_is405() {
    Reply r = server.send("PATCH", TestServer.ns(), HttpRequest.BodyPublishers.noBody());
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.errorCode()).isEqualTo(7001);
    String id = server.createNamespace("m");
    assertThat(
            server
                .send(
                    "POST",
                    TestServer.ns(id) + "/values/k",
                    HttpRequest.BodyPublishers.ofString("v"))
                .status())
        .isEqualTo(405);
    assertThat(server.get(TestServer.ns(id) + "/values/k").status()).isEqualTo(404);
  }

  @Test
  void missingOrWrongToken_is401With10000_andChangesNothing() {
    HttpRequest noToken =
        HttpRequest.newBuilder(URI.create(server.origin() + TestServer.ns()))
            .POST(TestServer.json("{\"title\":\"x\"}"))
            .build();
    Reply r = server.send(noToken);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.errorCode()).isEqualTo(10000);
    assertThat(r.errorMessage()).isEqualTo("Authentication error");
    for (String header :
        List.of(
            "Bearer wrong",
            "Bearer " + TestServer.TOKEN + "x",
            "Basic abc",
            TestServer.TOKEN,
            "Bearer ")) {
      HttpRequest wrong =
          HttpRequest.newBuilder(URI.create(server.origin() + TestServer.ns()))
              .header("Authorization", header)
              .POST(TestServer.json("{\"title\":\"x\"}"))
              .build();
      assertThat(server.send(wrong).status()).as(header).isEqualTo(401);
    }
    assertThat(server.get(TestServer.ns()).result().size()).isZero();
    assertThat(server.get("/client/v4/user/tokens/verify").result().path("status").asText())
        .isEqualTo("active");
  }

  @Test
  void openServer_acceptsRequestsWithoutToken(@TempDir Path other) {
    try (TestServer open = TestServer.start(other, List.of())) {
      HttpRequest req =
          HttpRequest.newBuilder(URI.create(open.origin() + TestServer.ns())).GET().build();
      assertThat(open.send(req).status()).isEqualTo(200);
    }
  }

  @Test
  void openServer_refusesNonLoopbackBind(@TempDir Path other) {
    ServerConfig config =
        ServerConfig.defaults().withHost("0.0.0.0").withPort(0).withDataDir(other);
    assertThatThrownBy(() -> KvServer.start(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without an API token");
  }

  @Test
  void membershipsAndTokenVerify_forWranglerAccountDiscovery() {
    Reply m = server.get("/client/v4/memberships?page=1");
    assertThat(m.status()).isEqualTo(200);
    assertThat(m.result().get(0).path("account").path("id").asText()).isEqualTo(TestServer.ACCOUNT);
    assertThat(server.get("/client/v4/memberships?page=2").result().size()).isZero();
  }

  @Test
  void healthz_andPrometheusMetrics() {
    server.createNamespace("metrics");
    HttpRequest health =
        HttpRequest.newBuilder(URI.create(server.origin() + "/healthz")).GET().build();
    assertThat(server.send(health).status()).isEqualTo(200);
    HttpRequest metrics =
        HttpRequest.newBuilder(URI.create(server.origin() + "/metrics"))
            .header("Authorization", "Bearer " + TestServer.TOKEN)
            .GET()
            .build();
    Reply r = server.send(metrics);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text())
        .contains("flarekv_http_requests_seconds_count{")
        .contains("route=\"namespaces\"")
        .contains("flarekv_store_operations_seconds_count{");
  }

  @Test
  void pipelinedRequests_areAnsweredInOrder() throws Exception {
    String id = server.createNamespace("pipe");
    String base = TestServer.ns(id);
    StringBuilder req = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      String body = "value-" + i;
      req.append("PUT ")
          .append(base)
          .append("/values/k")
          .append(i)
          .append(" HTTP/1.1\r\nHost: x\r\n")
          .append(auth())
          .append("Content-Length: ")
          .append(body.length())
          .append("\r\n\r\n")
          .append(body);
      req.append("GET ")
          .append(base)
          .append("/values/k")
          .append(i)
          .append(" HTTP/1.1\r\nHost: x\r\n")
          .append(auth())
          .append("\r\n");
    }
    try (RawHttp http = new RawHttp(server.port())) {
      http.write(req.toString());
      List<RawHttp.Response> all = http.readAll(20);
      assertThat(all).hasSize(20);
      for (int i = 0; i < 10; i++) {
        assertThat(all.get(2 * i).status()).isEqualTo(200);
        assertThat(all.get(2 * i + 1).text()).isEqualTo("value-" + i);
      }
    }
  }

  @Test
  void bodyLimitsArePerRoute() {
    // a namespace create may not carry a value-sized body
    Reply big = server.postJson(TestServer.ns(), "{\"title\":\"" + "x".repeat(2 << 20) + "\"}");
    assertThat(big.status()).isEqualTo(413);
    assertThat(big.errorMessage()).contains("exceeds the limit of 1048576 bytes");
    assertThat(server.get(TestServer.ns()).result().size()).isZero();
    // while a value write of 2 MiB is fine
    String id = server.createNamespace("limits");
    assertThat(server.put(TestServer.ns(id) + "/values/k", new byte[2 << 20]).status())
        .isEqualTo(200);
  }

  @Test
  void declaredOversizedBody_is413EnvelopeAndClose() throws Exception {
    String id = server.createNamespace("big");
    try (RawHttp http = new RawHttp(server.port())) {
      http.write(
          "PUT "
              + TestServer.ns(id)
              + "/bulk HTTP/1.1\r\nHost: x\r\n"
              + auth()
              + "Content-Length: 200000000\r\n\r\n[");
      RawHttp.Response r = http.read();
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.text()).contains("\"success\":false").contains("exceeds the limit");
      assertThat(http.closedByServer(5000)).isTrue();
    }
    assertThat(server.get(TestServer.ns(id) + "/keys").status()).isEqualTo(200);
  }

  @Test
  void valueWriteOverTheLimit_isRefusedBeforeTheBodyIsSent() throws Exception {
    String id = server.createNamespace("early");
    try (RawHttp http = new RawHttp(server.port())) {
      // only the head is sent: the server must answer without waiting for 30 MB
      http.write(
          "PUT "
              + TestServer.ns(id)
              + "/values/k HTTP/1.1\r\nHost: x\r\n"
              + auth()
              + "Content-Length: 30000000\r\n\r\n");
      RawHttp.Response r = http.read();
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.text()).contains("Value length of 30000000 exceeds limit of 26214400.");
    }
    assertThat(server.get(TestServer.ns(id) + "/values/k").status()).isEqualTo(404);
  }

  @Test
  void malformedRequests_get4xxAndServerKeepsServing() throws Exception {
    List<String> garbage =
        List.of(
            "GARBAGE\r\n\r\n",
            "GET /client/v4 HTTP/9.9\r\n\r\n",
            "GET " + "/a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(70_000) + "\r\n\r\n",
            "PUT /client/v4 HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
            "GET /client/v4/accounts/%ZZ/storage/kv/namespaces HTTP/1.1\r\nHost: x\r\n"
                + auth()
                + "\r\n",
            "GET /client/v4/accounts/a/storage/kv/namespaces?page=%ZZ HTTP/1.1\r\nHost: x\r\n"
                + auth()
                + "\r\n");
    for (String g : garbage) {
      try (RawHttp http = new RawHttp(server.port())) {
        http.write(g);
        RawHttp.Response r = http.read();
        if (r != null) {
          assertThat(r.status()).as(g.substring(0, Math.min(60, g.length()))).isBetween(400, 499);
        }
      }
    }
    assertThat(server.get(TestServer.ns()).status()).isEqualTo(200);
  }

  @Test
  void unmetExpectations_areEnvelopes() throws Exception {
    // Regression: Netty's aggregator answered these with a bare 417 / 413 and an empty body.
    for (String request :
        List.of(
            "PUT "
                + TestServer.ns()
                + " HTTP/1.1\r\nHost: x\r\n"
                + auth()
                + "Expect: nonsense\r\nContent-Length: 1\r\n\r\nv",
            "PUT "
                + TestServer.ns()
                + " HTTP/1.1\r\nHost: x\r\n"
                + auth()
                + "Expect: 100-continue\r\nContent-Length: 200000000\r\n\r\n")) {
      try (RawHttp http = new RawHttp(server.port())) {
        RawHttp.Response r = http.write(request).read();
        assertThat(r.status()).isIn(400, 413);
        Reply envelope = new Reply(r.status(), null, r.body());
        assertThat(envelope.json().path("success").asBoolean(true)).isFalse();
        assertThat(envelope.errorCode()).isEqualTo(10001);
        assertThat(http.closedByServer(5_000)).isTrue();
      }
    }
  }
}
