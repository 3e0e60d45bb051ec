package dev.flarekv.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.server.testkit.RawHttp;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Miniflare's remote-proxy form at {@code /ns/{id}}: requests wrapped the way Miniflare wraps them
 * for a KV binding with {@code remoteProxyConnectionString} (MF-URL, MF-Header-*, MF-Binding, a
 * WebSocket probe first) get the answers of the plain binding protocol.
 */
class RemoteProxyFormTest {
  static final long NOW = TestServer.NOW_SECONDS;
  static final String TOKEN = TestServer.TOKEN;

  @TempDir Path dir;
  TestServer server;
  String nsId;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    nsId = server.createNamespace("proxied");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** A request as Miniflare forwards it, to the connection URL {@code /ns/{id}?access_token=…}. */
  Reply proxy(String method, String mfUrl, String body, String... headers) {
    return proxyTo(
        "/ns/" + nsId + "?access_token=" + TestServer.encodeURIComponent(TOKEN),
        method,
        mfUrl,
        body,
        headers);
  }

  Reply proxyTo(String target, String method, String mfUrl, String body, String... headers) {
    String[] all = new String[headers.length + 6];
    all[0] = "MF-URL";
    all[1] = mfUrl;
    all[2] = "MF-Binding";
    all[3] = "KV";
    all[4] = "MF-Header-transfer-encoding"; // sent by Miniflare on GETs too; meaningless
    all[5] = "chunked";
    System.arraycopy(headers, 0, all, 6, headers.length);
    return server.binding(
        method,
        target,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8),
        all);
  }

  @Test
  void put_get_delete_withMetadataAndExpiration() {
    Reply put =
        proxy(
            "PUT",
            "https://fake-host/dir%2Fa%20b?urlencoded=true&expiration_ttl=3600",
            "hello",
            "MF-Header-cf-kv-metadata",
            "{\"owner\":\"mf\"}",
            "MF-Header-content-type",
            "text/plain;charset=UTF-8");
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    String base = TestServer.ns(nsId);
    assertThat(server.get(base + "/values/dir%2Fa%20b").text()).isEqualTo("hello");
    assertThat(server.get(base + "/metadata/dir%2Fa%20b").result().path("owner").asText())
        .isEqualTo("mf");

    Reply got = proxy("GET", "https://fake-host/dir%2Fa%20b?urlencoded=true", null);
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.text()).isEqualTo("hello");
    assertThat(got.headers().firstValue("cf-kv-metadata")).hasValue("{\"owner\":\"mf\"}");
    assertThat(got.headers().firstValue("cf-expiration")).hasValue(Long.toString(NOW + 3600));

    assertThat(proxy("DELETE", "https://fake-host/dir%2Fa%20b?urlencoded=true", null).status())
        .isEqualTo(200);
    Reply gone = proxy("GET", "https://fake-host/dir%2Fa%20b?urlencoded=true", null);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(server.get(base + "/values/dir%2Fa%20b").status()).isEqualTo(404);
  }

  @Test
  void list_withPrefixAndCursor_fromAnUrlWithoutPath() {
    String base = TestServer.ns(nsId);
    server.putJson(
        base + "/bulk",
        "[{\"key\":\"p1\",\"value\":\"v\",\"metadata\":{\"m\":1}},{\"key\":\"p2\",\"value\":\"v\"},"
            + "{\"key\":\"p3\",\"value\":\"v\"},{\"key\":\"q1\",\"value\":\"v\"}]");
    // Miniflare's list URL has no "/" before the "?"
    Reply all = proxy("GET", "https://fake-host?key_count_limit=1000&prefix=", null);
    assertThat(all.status()).isEqualTo(200);
    assertThat(all.json().path("keys").size()).isEqualTo(4);
    assertThat(all.json().path("keys").get(0).path("metadata").asText()).isEqualTo("{\"m\":1}");

    JsonNode page1 = proxy("GET", "https://fake-host?key_count_limit=2&prefix=p", null).json();
    assertThat(page1.path("keys").size()).isEqualTo(2);
    assertThat(page1.path("list_complete").asBoolean()).isFalse();
    String cursor = TestServer.encodeURIComponent(page1.path("cursor").asText());
    JsonNode page2 =
        proxy("GET", "https://fake-host?key_count_limit=2&prefix=p&cursor=" + cursor, null).json();
    assertThat(page2.path("keys")).hasSize(1);
    assertThat(page2.path("keys").get(0).path("name").asText()).isEqualTo("p3");
    assertThat(page2.path("list_complete").asBoolean()).isTrue();
  }

  @Test
  void bulkGet() {
    proxy("PUT", "https://fake-host/a?urlencoded=true", "{\"x\":1}");
    proxy("PUT", "https://fake-host/b?urlencoded=true", "2");
    Reply r =
        proxy(
            "POST",
            "https://fake-host/bulk/get",
            "{\"keys\":[\"a\",\"b\",\"c\"],\"type\":\"json\"}",
            "MF-Header-content-type",
            "application/json");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("{\"a\":{\"x\":1},\"b\":2,\"c\":null}");
  }

  @Test
  void errors_areThoseOfThePlainForm() throws Exception {
    Reply ttl = proxy("PUT", "https://fake-host/k?urlencoded=true&expiration_ttl=30", "v");
    assertThat(ttl.status()).isEqualTo(400);
    assertThat(ttl.text())
        .isEqualTo("Invalid expiration_ttl of 30. Expiration TTL must be at least 60.");
    assertThat(proxy("GET", "https://fake-host/a/b", null).status()).isEqualTo(404);
    assertThat(proxy("POST", "https://fake-host/k?urlencoded=true", "").status()).isEqualTo(405);
    assertThat(proxy("PUT", "https://fake-host/", "v").status()).isEqualTo(405);
    assertThat(proxy("GET", "https://fake-host/bulk/get", null).status()).isEqualTo(405);
    // the remote-proxy path inside MF-URL is not unwrapped twice
    assertThat(proxy("GET", "https://fake-host/ns/" + nsId, null).status()).isEqualTo(404);
    assertThat(server.get(TestServer.ns(nsId) + "/values/k").status()).isEqualTo(404);
  }

  @Test
  void websocketProbe_is404_beforeAnythingElse() throws Exception {
    double lookups = storeOps("namespaceById");
    for (String id : List.of(nsId, "0".repeat(32), "not-an-id")) {
      try (RawHttp http = new RawHttp(server.bindingPort())) {
        RawHttp.Response r =
            http.write(
                    "GET /ns/"
                        + id
                        + "?MF-Binding=KV HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n"
                        + "Upgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n")
                .read();
        assertThat(r.status()).as(id).isEqualTo(404);
        assertThat(r.headers()).doesNotContain("upgrade:");
      }
    }
    assertThat(storeOps("namespaceById")).isEqualTo(lookups);
    assertThat(metricCount("ns/websocket")).isEqualTo(3);
  }

  @Test
  void missingOrMalformedMfUrl_is400_neverAListOrAnotherKey() {
    proxy("PUT", "https://fake-host/k?urlencoded=true", "v");
    Reply missing =
        server.binding(
            "GET",
            "/ns/" + nsId + "?access_token=" + TOKEN,
            HttpRequest.BodyPublishers.noBody(),
            "MF-Binding",
            "KV");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.text()).startsWith("Missing MF-URL header");
    for (String bad :
        List.of("", "/k?urlencoded=true", "fake-host/k", "https://", "https:///k", "ftp://h/k")) {
      Reply r = proxy("GET", bad, null);
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.text()).as(bad).startsWith("Malformed MF-URL header");
    }
    assertThat(server.get(TestServer.ns(nsId) + "/values/k").text()).isEqualTo("v");
  }

  @Test
  void unknownOrInvalidNamespace_is400() {
    String unknown = "0123456789abcdef0123456789abcdef";
    Reply r =
        proxyTo("/ns/" + unknown + "?access_token=" + TOKEN, "GET", "https://fake-host/k", null);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text()).isEqualTo("KV namespace " + unknown + " not found");
    for (String path :
        List.of("/ns", "/ns/", "/ns/xyz", "/ns/" + nsId.toUpperCase(), "/ns/" + nsId + "/k")) {
      Reply bad = proxyTo(path + "?access_token=" + TOKEN, "GET", "https://fake-host/k", null);
      assertThat(bad.status()).as(path).isEqualTo(400);
      assertThat(bad.text()).as(path).startsWith("Remote-proxy requests go to /ns/{namespace id}");
    }
    // "/nsfoo" is a plain key, not this form
    assertThat(
            server
                .binding(
                    "GET",
                    "/nsfoo?urlencoded=true",
                    HttpRequest.BodyPublishers.noBody(),
                    "Authorization",
                    "Bearer " + TOKEN,
                    "X-Flarekv-Namespace",
                    nsId)
                .status())
        .isEqualTo(404);
  }

  @Test
  void token_fromTheConnectionUrl_orAnAuthorizationHeader_neverFromMfHeaders() {
    proxy("PUT", "https://fake-host/k?urlencoded=true", "v");
    String path = "/ns/" + nsId;
    String url = "https://fake-host/k?urlencoded=true";
    assertThat(proxyTo(path, "GET", url, null).status()).isEqualTo(401);
    assertThat(proxyTo(path + "?access_token=wrong", "GET", url, null).status()).isEqualTo(401);
    assertThat(proxyTo(path + "?access_token=", "GET", url, null).status()).isEqualTo(401);
    assertThat(
            proxyTo(path, "GET", url, null, "MF-Header-authorization", "Bearer " + TOKEN).status())
        .isEqualTo(401);
    Reply header = proxyTo(path, "GET", url, null, "Authorization", "Bearer " + TOKEN);
    assertThat(header.status()).isEqualTo(200);
    Reply query = proxyTo(path + "?access_token=" + TOKEN + "&MF-Binding=KV", "GET", url, null);
    assertThat(query.status()).isEqualTo(200);
    assertThat(query.text()).isEqualTo("v");
    // a namespace header smuggled as MF-Header-* changes nothing
    String other = server.createNamespace("other");
    Reply smuggled =
        proxy(
            "PUT",
            "https://fake-host/k2?urlencoded=true",
            "v2",
            "MF-Header-X-Flarekv-Namespace",
            other,
            "MF-Header-X-Flarekv-Namespace-Title",
            "elsewhere");
    assertThat(smuggled.status()).isEqualTo(200);
    assertThat(server.get(TestServer.ns(nsId) + "/values/k2").text()).isEqualTo("v2");
    assertThat(server.get(TestServer.ns(other) + "/values/k2").status()).isEqualTo(404);
  }

  @Test
  void hotReads_areAnsweredFromMemory_andCountedAsNsRoutes() {
    proxy("PUT", "https://fake-host/hot?urlencoded=true", "hot-value");
    assertThat(proxy("GET", "https://fake-host/hot?urlencoded=true", null).text())
        .isEqualTo("hot-value");
    double lookups = storeOps("namespaceById");
    double gets = storeOps("get");
    assertThat(proxy("GET", "https://fake-host/hot?urlencoded=true", null).text())
        .isEqualTo("hot-value");
    assertThat(storeOps("get")).isEqualTo(gets + 1);
    assertThat(storeOps("namespaceById")).isEqualTo(lookups); // no blocking resolve
    proxy("GET", "https://fake-host?key_count_limit=1000&prefix=", null);
    proxy("POST", "https://fake-host/bulk/get", "{\"keys\":[\"hot\"]}");
    assertThat(metricCount("ns/key")).isEqualTo(3);
    assertThat(metricCount("ns/list")).isEqualTo(1);
    assertThat(metricCount("ns/bulk/get")).isEqualTo(1);
    assertThat(metricCount("key")).isZero();
  }

  double storeOps(String op) {
    return sum("flarekv_store_operations_seconds_count", "op=\"" + op + "\"");
  }

  double metricCount(String route) {
    return sum("flarekv_http_requests_seconds_count", "route=\"" + route + "\"");
  }

  double sum(String name, String label) {
    String text = server.get("/metrics").text();
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(text);
    double sum = 0;
    while (m.find()) {
      if (m.group(1).contains(label) && m.group(1).contains("surface=\"binding\"")
          || m.group(1).contains(label) && !name.startsWith("flarekv_http")) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }
}
