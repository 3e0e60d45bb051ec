package dev.flarekv.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.server.testkit.Engine;
import dev.flarekv.server.testkit.RawHttp;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workerd binding protocol (W1-W6) and its sharing of one store with the REST API. */
class BindingApiTest {
  static final long NOW = TestServer.NOW_SECONDS;
  static final String AUTH = "Bearer " + TestServer.TOKEN;

  @TempDir Path dir;
  TestServer server;
  String nsId;

  /** The storage engine of this class's servers; {@code CassandraBindingApiTest} overrides it. */
  Engine engine() {
    return Engine.ROCKSDB;
  }

  @BeforeEach
  void start() {
    engine().reset();
    server = TestServer.start(dir, engine());
    nsId = server.createNamespace("binding");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  Reply bind(String method, String path, byte[] body, String... headers) {
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
            : HttpRequest.BodyPublishers.ofByteArray(body),
        all);
  }

  Reply bind(String method, String path) {
    return bind(method, path, null);
  }

  /** One raw exchange on the binding port, to read the reason phrase. */
  RawHttp.Response raw(String method, String target, String body, String... extraHeaders)
      throws Exception {
    try (RawHttp http = new RawHttp(server.bindingPort())) {
      StringBuilder req = new StringBuilder();
      req.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: fake-host\r\n");
      req.append("Authorization: ").append(AUTH).append("\r\n");
      req.append("X-Flarekv-Namespace: ").append(nsId).append("\r\n");
      for (String h : extraHeaders) {
        req.append(h).append("\r\n");
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      req.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
      http.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      http.write(bytes);
      return http.read();
    }
  }

  @Test
  void put_get_withUtf8MetadataAndTtl() throws Exception {
    byte[] meta = "{\"owner\":\"workerd é\",\"n\":1}".getBytes(StandardCharsets.UTF_8);
    try (RawHttp http = new RawHttp(server.bindingPort())) {
      http.write(
          ("PUT /text-key?urlencoded=true&expiration_ttl=3600 HTTP/1.1\r\nHost: fake-host\r\n"
                  + "Authorization: "
                  + AUTH
                  + "\r\nX-Flarekv-Namespace: "
                  + nsId
                  + "\r\n"
                  + "Content-Type: text/plain;charset=UTF-8\r\nCF-KV-Metadata: ")
              .getBytes(StandardCharsets.ISO_8859_1));
      http.write(meta);
      http.write("\r\nContent-Length: 11\r\n\r\nhello world".getBytes(StandardCharsets.ISO_8859_1));
      assertThat(http.read().status()).isEqualTo(200);
      http.write(
          ("GET /text-key?urlencoded=true HTTP/1.1\r\nHost: fake-host\r\nAuthorization: "
                  + AUTH
                  + "\r\nX-Flarekv-Namespace: "
                  + nsId
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      RawHttp.Response got = http.read();
      assertThat(got.status()).isEqualTo(200);
      assertThat(got.text()).isEqualTo("hello world");
      // the header carries the UTF-8 bytes of the JSON, not mojibake
      String headers = got.headers();
      assertThat(headers).contains("cf-kv-metadata: {\"owner\":\"workerd é\",\"n\":1}");
      assertThat(headers).contains("cf-expiration: " + (NOW + 3600));
    }
    // the same key over REST: identical metadata and expiration
    String base = TestServer.ns(nsId);
    assertThat(server.get(base + "/metadata/text-key").result().path("owner").asText())
        .isEqualTo("workerd é");
    assertThat(server.get(base + "/values/text-key").headers().firstValue("expiration"))
        .hasValue(Long.toString(NOW + 3600));
  }

  @Test
  void restWrites_areVisibleToTheBinding() {
    String base = TestServer.ns(nsId);
    server.putJson(
        base + "/bulk",
        "[{\"key\":\"dir/a b?&#%é\",\"value\":\"v\",\"metadata\":{\"m\":1},\"expiration_ttl\":600}]");
    Reply r = bind("GET", "/dir%2Fa%20b%3F&%23%25%C3%A9?urlencoded=true");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("v");
    assertThat(r.headers().firstValue("cf-kv-metadata")).hasValue("{\"m\":1}");
    assertThat(r.headers().firstValue("cf-expiration")).hasValue(Long.toString(NOW + 600));
  }

  @Test
  void binaryValues_andEmptyValues() {
    byte[] bytes = {0, 1, 2, 127, (byte) 128, (byte) 254, (byte) 255};
    assertThat(bind("PUT", "/bin?urlencoded=true", bytes).status()).isEqualTo(200);
    assertThat(bind("GET", "/bin?urlencoded=true").body()).isEqualTo(bytes);
    assertThat(bind("PUT", "/empty?urlencoded=true", new byte[0]).status()).isEqualTo(200);
    Reply empty = bind("GET", "/empty?urlencoded=true");
    assertThat(empty.status()).isEqualTo(200);
    assertThat(empty.body()).isEmpty();
  }

  @Test
  void missingKey_is404_andDeleteAlwaysSucceeds() {
    Reply missing = bind("GET", "/nope?urlencoded=true");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.text()).isEqualTo("Not Found");
    assertThat(bind("DELETE", "/nope?urlencoded=true").status()).isEqualTo(200);
    bind("PUT", "/k?urlencoded=true", "v".getBytes(StandardCharsets.UTF_8));
    assertThat(bind("DELETE", "/k?urlencoded=true").status()).isEqualTo(200);
    assertThat(bind("GET", "/k?urlencoded=true").status()).isEqualTo(404);
  }

  @Test
  void expiredKey_is404() {
    bind("PUT", "/e?urlencoded=true&expiration_ttl=60", "v".getBytes(StandardCharsets.UTF_8));
    server.clock().setSeconds(NOW + 60);
    assertThat(bind("GET", "/e?urlencoded=true").status()).isEqualTo(404);
  }

  @Test
  void list_metadataAsJsonStrings_andCursorPagination() {
    bind(
        "PUT",
        "/key1?urlencoded=true",
        "v".getBytes(StandardCharsets.UTF_8),
        "CF-KV-Metadata",
        "{\"testing\":1}");
    bind(
        "PUT",
        "/key2?urlencoded=true&expiration=" + (NOW + 120),
        "v".getBytes(StandardCharsets.UTF_8));
    bind("PUT", "/key3?urlencoded=true", "v".getBytes(StandardCharsets.UTF_8));
    Reply all = bind("GET", "/");
    assertThat(all.status()).isEqualTo(200);
    assertThat(all.text())
        .isEqualTo(
            "{\"keys\":[{\"name\":\"key1\",\"metadata\":\"{\\\"testing\\\":1}\"},"
                + "{\"name\":\"key2\",\"expiration\":"
                + (NOW + 120)
                + "},{\"name\":\"key3\"}],"
                + "\"list_complete\":true,\"cacheStatus\":null}");
    Reply page1 = bind("GET", "/?key_count_limit=2");
    JsonNode p1 = page1.json();
    assertThat(p1.path("keys").size()).isEqualTo(2);
    assertThat(p1.path("list_complete").asBoolean()).isFalse();
    String cursor = p1.path("cursor").asText();
    assertThat(cursor).isNotEmpty();
    JsonNode p2 = bind("GET", "/?key_count_limit=2&cursor=" + cursor).json();
    assertThat(p2.path("keys").get(0).path("name").asText()).isEqualTo("key3");
    assertThat(p2.path("list_complete").asBoolean()).isTrue();
    assertThat(p2.has("cursor")).isFalse();
    JsonNode prefixed = bind("GET", "/?prefix=key2").json();
    assertThat(prefixed.path("keys").size()).isEqualTo(1);
  }

  @Test
  void bulkGet_appliesTypeAndWithMetadata() {
    bind(
        "PUT",
        "/a?urlencoded=true",
        "{\"x\":1}".getBytes(StandardCharsets.UTF_8),
        "CF-KV-Metadata",
        "{\"m\":true}");
    bind("PUT", "/b?urlencoded=true", "false".getBytes(StandardCharsets.UTF_8));
    Reply text =
        bind(
            "POST",
            "/bulk/get",
            "{\"keys\":[\"a\",\"b\",\"c\"]}".getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/json");
    assertThat(text.text()).isEqualTo("{\"a\":\"{\\\"x\\\":1}\",\"b\":\"false\",\"c\":null}");
    Reply json =
        bind(
            "POST",
            "/bulk/get",
            "{\"keys\":[\"a\",\"b\",\"c\"],\"type\":\"json\",\"cacheTtl\":\"120\"}"
                .getBytes(StandardCharsets.UTF_8));
    assertThat(json.text()).isEqualTo("{\"a\":{\"x\":1},\"b\":false,\"c\":null}");
    Reply meta =
        bind(
            "POST",
            "/bulk/get",
            "{\"keys\":[\"a\",\"b\",\"c\"],\"withMetadata\":true}"
                .getBytes(StandardCharsets.UTF_8));
    assertThat(meta.text())
        .isEqualTo(
            "{\"a\":{\"value\":\"{\\\"x\\\":1}\",\"metadata\":{\"m\":true}},"
                + "\"b\":{\"value\":\"false\",\"metadata\":null},\"c\":null}");
  }

  @Test
  void errors_travelInTheReasonPhrase() throws Exception {
    record Case(String method, String target, String body, int status, String message) {}
    List<Case> cases =
        List.of(
            new Case(
                "PUT",
                "/k?urlencoded=true&expiration_ttl=30",
                "v",
                400,
                "Invalid expiration_ttl of 30. Expiration TTL must be at least 60."),
            new Case(
                "PUT",
                "/k?urlencoded=true&expiration_ttl=0",
                "v",
                400,
                "Invalid expiration_ttl of 0. Please specify integer greater than 0."),
            new Case(
                "PUT",
                "/k?urlencoded=true&expiration=" + (NOW + 30),
                "v",
                400,
                "Invalid expiration of "
                    + (NOW + 30)
                    + ". Expiration times must be at least 60 seconds in the future."),
            new Case(
                "GET",
                "/k?urlencoded=true&cache_ttl=10",
                "",
                400,
                "Invalid cache_ttl of 10. Cache TTL must be at least 30."),
            new Case(
                "GET",
                "/?key_count_limit=1001",
                "",
                400,
                "Invalid key_count_limit of 1001. Please specify an integer less than 1000."),
            new Case(
                "GET",
                "/?key_count_limit=0",
                "",
                400,
                "Invalid key_count_limit of 0. Please specify an integer greater than 0."),
            new Case(
                "GET",
                "/" + "x".repeat(513) + "?urlencoded=true",
                "",
                414,
                "UTF-8 encoded length of 513 exceeds key length limit of 512."),
            new Case(
                "PUT",
                "/%2E?urlencoded=true",
                "v",
                400,
                "Illegal key name \".\". Please use a different name."),
            new Case("GET", "/%E0%A4%A?urlencoded=true", "", 400, "Could not URL-decode key name"),
            new Case(
                "POST", "/bulk/get", "{\"keys\":[]}", 400, "You must request a minimum of 1 key"),
            new Case(
                "POST",
                "/bulk/get",
                "{\"keys\":[\"a\"],\"type\":\"invalid\"}",
                400,
                "\"invalid\" is not a valid type. Use \"json\" or \"text\""));
    for (Case c : cases) {
      RawHttp.Response r = raw(c.method(), c.target(), c.body());
      assertThat(r.status()).as(c.target()).isEqualTo(c.status());
      assertThat(r.reason()).as(c.target()).isEqualTo(c.message());
      assertThat(r.text()).isEqualTo(c.message());
    }
    RawHttp.Response badMeta = raw("PUT", "/k?urlencoded=true", "v", "CF-KV-Metadata: {nope");
    assertThat(badMeta.status()).isEqualTo(400);
    assertThat(badMeta.reason()).isEqualTo("Invalid metadata JSON");
    RawHttp.Response bigMeta =
        raw(
            "PUT",
            "/k?urlencoded=true",
            "v",
            "CF-KV-Metadata: {\"k\":\"" + "x".repeat(1020) + "\"}");
    assertThat(bigMeta.status()).isEqualTo(413);
    assertThat(bigMeta.reason()).isEqualTo("Metadata length of 1028 exceeds limit of 1024.");
    assertThat(bind("GET", "/k?urlencoded=true").status()).isEqualTo(404);
  }

  @Test
  void connectionLevelErrors_areTextWithReason_notRestEnvelopes() throws Exception {
    // Regression: malformed requests, unmet Expect headers and bodies over the aggregation limit
    // were answered with the REST JSON envelope and a bare reason phrase on this listener too.
    List<String> requests =
        List.of(
            "GET /k HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(70 * 1024) + "\r\n\r\n",
            "PUT /k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "PUT /k HTTP/1.1\r\nHost: x\r\nExpect: nonsense\r\nContent-Length: 1\r\n\r\nv",
            "POST /bulk/get HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                + "Content-Length: 200000000\r\n\r\n",
            "POST /bulk/get HTTP/1.1\r\nHost: x\r\nContent-Length: 200000000\r\n\r\n");
    for (String request : requests) {
      try (RawHttp http = new RawHttp(server.bindingPort())) {
        RawHttp.Response r = http.write(request).read();
        String what = request.substring(0, 40);
        assertThat(r.status()).as(what).isBetween(400, 499);
        assertThat(r.headers()).as(what).contains("content-type: text/plain");
        assertThat(r.reason()).as(what).isEqualTo(r.text()).isNotBlank();
        assertThat(r.text()).as(what).doesNotContain("\"errors\"");
        assertThat(http.closedByServer(5_000)).as(what).isTrue();
      }
    }
  }

  @Test
  void valueOverTheLimit_isRefusedUnread() throws Exception {
    try (RawHttp http = new RawHttp(server.bindingPort())) {
      http.write(
          "PUT /big?urlencoded=true HTTP/1.1\r\nHost: fake-host\r\nAuthorization: "
              + AUTH
              + "\r\nX-Flarekv-Namespace: "
              + nsId
              + "\r\nContent-Length: 26214401\r\n\r\n");
      RawHttp.Response r = http.read();
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.reason()).isEqualTo("Value length of 26214401 exceeds limit of 26214400.");
    }
    byte[] max = new byte[26_214_400];
    assertThat(bind("PUT", "/max?urlencoded=true", max).status()).isEqualTo(200);
    assertThat(bind("GET", "/max?urlencoded=true").body()).hasSize(26_214_400);
  }

  @Test
  void absoluteFormTarget_withoutPath_keepsItsQuery() throws Exception {
    bind("PUT", "/a?urlencoded=true", "v".getBytes(StandardCharsets.UTF_8));
    bind("PUT", "/b?urlencoded=true", "v".getBytes(StandardCharsets.UTF_8));
    // RFC 3986: the authority ends at "?" as well as "/"; this was read as a list of every key
    RawHttp.Response r = raw("GET", "http://fake-host?prefix=b", "");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).contains("{\"name\":\"b\"}").doesNotContain("\"a\"");
    assertThat(raw("GET", "http://fake-host/b?urlencoded=true", "").text()).isEqualTo("v");
  }

  @Test
  void routing_unknownPathAndMethod() {
    assertThat(bind("GET", "/a/b").status()).isEqualTo(404);
    assertThat(bind("POST", "/k?urlencoded=true", new byte[0]).status()).isEqualTo(405);
    assertThat(bind("PUT", "/", new byte[0]).status()).isEqualTo(405);
  }

  @Test
  void namespace_headerRequired_unknownIdRejected_tokenRequired() {
    Reply noNs =
        server.binding(
            "GET",
            "/k?urlencoded=true",
            HttpRequest.BodyPublishers.noBody(),
            "Authorization",
            AUTH);
    assertThat(noNs.status()).isEqualTo(400);
    assertThat(noNs.text()).contains("X-Flarekv-Namespace");
    Reply unknown =
        server.binding(
            "GET",
            "/k?urlencoded=true",
            HttpRequest.BodyPublishers.noBody(),
            "Authorization",
            AUTH,
            "X-Flarekv-Namespace",
            "0123456789abcdef0123456789abcdef");
    assertThat(unknown.status()).isEqualTo(400);
    Reply noToken =
        server.binding(
            "GET",
            "/k?urlencoded=true",
            HttpRequest.BodyPublishers.noBody(),
            "X-Flarekv-Namespace",
            nsId);
    assertThat(noToken.status()).isEqualTo(401);
  }

  @Test
  void defaultNamespace_isCreatedOnFirstUse(@TempDir Path other) {
    // a second server over an empty store of its own: a fresh data dir on RocksDB; on Cassandra
    // the shared test keyspace, emptied (the first server and its namespace are not used below)
    engine().reset();
    ServerConfig config =
        engine()
            .configure(
                ServerConfig.defaults()
                    .withPort(0)
                    .withBindingPort(ServerConfig.EPHEMERAL_PORT)
                    .withDataDir(other)
                    .withAccountId(TestServer.ACCOUNT)
                    .withBindingNamespace("worker-kv"));
    try (KvServer kv = KvServer.start(config)) {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      String origin = "http://127.0.0.1:" + kv.bindingPort();
      java.net.http.HttpResponse<String> put =
          http.send(
              HttpRequest.newBuilder(java.net.URI.create(origin + "/k?urlencoded=true"))
                  .PUT(HttpRequest.BodyPublishers.ofString("v"))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).isEqualTo(200);
      var namespaces = kv.store().namespaces(TestServer.ACCOUNT);
      assertThat(namespaces).hasSize(1);
      assertThat(namespaces.get(0).title()).isEqualTo("worker-kv");
      assertThat(kv.store().get(namespaces.get(0).ref(), "k")).isPresent();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
