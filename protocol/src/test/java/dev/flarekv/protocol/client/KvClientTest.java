package dev.flarekv.protocol.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.Namespace;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KvClientTest {
  private static final String NS = "0f2ac74b498b48028cb68387c421e279";

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String error(int code, String message) {
    return "{\"success\":false,\"errors\":[{\"code\":"
        + code
        + ",\"message\":\""
        + message
        + "\"}],\"messages\":[],\"result\":null}";
  }

  // ------------------------------------------------------------------ URL building

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/my,key|%2Fmy%2Ckey",
        "a/b?c#d e%f:!|a%2Fb%3Fc%23d%20e%25f%3A!",
        "key:with:colons|key%3Awith%3Acolons",
        "-_.!~*'()|-_.!~*'()",
        "AZaz09|AZaz09",
        "a+b&c=d|a%2Bb%26c%3Dd",
        "é|%C3%A9",
        "😀|%F0%9F%98%80",
        "\\|%5C",
        "...|...",
      })
  void encodeComponent_likeEncodeUriComponent(String raw, String encoded) {
    assertThat(KvClient.encodeComponent(raw)).isEqualTo(encoded);
    assertThat(KvClient.encodePathSegment(raw)).isEqualTo(encoded);
  }

  @Test
  void encodePathSegment_dotSegmentsEscaped() {
    assertThat(KvClient.encodePathSegment(".")).isEqualTo("%2E");
    assertThat(KvClient.encodePathSegment("..")).isEqualTo("%2E%2E");
    assertThat(KvClient.encodeComponent(".")).isEqualTo(".");
  }

  @Test
  void encodeComponent_rejectsUnpairedSurrogate() {
    assertThatThrownBy(() -> KvClient.encodeComponent("a\uD800"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void urls_builtFromBaseAccountNamespaceAndKey() {
    KvClient c = new KvClient("http://h:1/client/v4/", null, "acc");
    assertThat(c.namespacesUrl())
        .isEqualTo("http://h:1/client/v4/accounts/acc/storage/kv/namespaces");
    assertThat(c.namespaceUrl(NS)).isEqualTo(c.namespacesUrl() + "/" + NS);
    assertThat(c.valueUrl(NS, "a/b c", null, null))
        .isEqualTo(c.namespaceUrl(NS) + "/values/a%2Fb%20c");
    assertThat(c.valueUrl(NS, "k", 1500L, 120L))
        .isEqualTo(c.namespaceUrl(NS) + "/values/k?expiration=1500&expiration_ttl=120");
    assertThat(c.valueUrl(NS, "k", null, 60L))
        .isEqualTo(c.namespaceUrl(NS) + "/values/k?expiration_ttl=60");
    assertThat(c.keysUrl(NS, null, null, null)).isEqualTo(c.namespaceUrl(NS) + "/keys");
    assertThat(c.keysUrl(NS, "a b+", 10, "AQ-_"))
        .isEqualTo(c.namespaceUrl(NS) + "/keys?prefix=a%20b%2B&limit=10&cursor=AQ-_");
  }

  @Test
  void query_emptyAndEscaped() {
    assertThat(KvClient.query(Map.of())).isEmpty();
    Map<String, String> q = new LinkedHashMap<>();
    q.put("a", "1 2");
    q.put("b&", "=");
    assertThat(KvClient.query(q)).isEqualTo("?a=1%202&b%26=%3D");
  }

  @Test
  void constructor_rejectsNonHttpBase() {
    assertThatThrownBy(() -> new KvClient("ftp://h/client/v4", null, "a"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void multipart_valueAndMetadataParts() {
    byte[] body = KvClient.multipart("B", new byte[] {0, (byte) 0xFF}, "{\"m\":1}");
    String expectedHead =
        "--B\r\nContent-Disposition: form-data; name=\"value\"; filename=\"blob\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n";
    String expectedTail =
        "\r\n--B\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
            + "Content-Type: application/json\r\n\r\n{\"m\":1}\r\n--B--\r\n";
    byte[] head = utf8(expectedHead);
    byte[] tail = utf8(expectedTail);
    assertThat(body).hasSize(head.length + 2 + tail.length);
    assertThat(java.util.Arrays.copyOfRange(body, 0, head.length)).isEqualTo(head);
    assertThat(body[head.length]).isEqualTo((byte) 0);
    assertThat(body[head.length + 1]).isEqualTo((byte) 0xFF);
    assertThat(java.util.Arrays.copyOfRange(body, head.length + 2, body.length)).isEqualTo(tail);
  }

  // ------------------------------------------------------------------ envelope decoding

  @ParameterizedTest
  @CsvSource({
    "404,10009,KEY_NOT_FOUND",
    "404,10013,NAMESPACE_NOT_FOUND",
    "400,10014,DUPLICATE_TITLE",
    "400,10018,TOO_MANY_NAMESPACES",
    "400,10019,MISSING_TITLE",
    "400,10001,INVALID_REQUEST",
    "414,10001,KEY_TOO_LONG",
    "413,10001,PAYLOAD_TOO_LARGE",
    "401,10000,AUTHENTICATION",
    "403,10000,FORBIDDEN",
    "404,7003,NO_ROUTE",
    "405,7001,METHOD_NOT_ALLOWED",
    "503,10001,UNAVAILABLE",
    "408,10001,REQUEST_TIMEOUT",
    "500,10001,INTERNAL",
    "404,99999,NO_ROUTE",
    "400,99999,INVALID_REQUEST",
    "429,10022,KEY_WRITE_RATE",
    "429,971,RATE_LIMITED",
    "429,10048,FREE_USAGE_LIMIT",
    "429,1,UNAVAILABLE",
    "408,99999,REQUEST_TIMEOUT",
    "418,1,INTERNAL"
  })
  void decodeError_mapsStatusAndCode(int status, int code, ErrorCode expected) {
    KvException e = KvClient.decodeError(status, utf8(error(code, "server says")));
    assertThat(e.errorCode()).isEqualTo(expected);
    assertThat(e.getMessage()).isEqualTo("server says");
  }

  @Test
  void decodeError_notAnEnvelope() {
    KvException e = KvClient.decodeError(502, utf8("<html>bad gateway</html>"));
    assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(e.getMessage()).isEqualTo("HTTP 502 from flarekv");
    assertThat(KvClient.decodeError(404, new byte[0]).errorCode()).isEqualTo(ErrorCode.NO_ROUTE);
    assertThat(KvClient.decodeError(400, utf8("{\"errors\":[]}")).getMessage())
        .isEqualTo("HTTP 400 from flarekv");
  }

  @Test
  void decodeError_missingMessageUsesDefault() {
    KvException e = KvClient.decodeError(404, utf8("{\"errors\":[{\"code\":10013}]}"));
    assertThat(e.errorCode()).isEqualTo(ErrorCode.NAMESPACE_NOT_FOUND);
    assertThat(e.getMessage()).isEqualTo("namespace not found");
  }

  @Test
  void decodeResult_returnsResult() {
    JsonNode r =
        KvClient.decodeResult(
            200, utf8("{\"success\":true,\"errors\":[],\"messages\":[],\"result\":{\"a\":1}}"));
    assertThat(r.get("a").intValue()).isEqualTo(1);
    assertThat(KvClient.decodeResult(200, utf8("{\"success\":true,\"result\":null}")).isNull())
        .isTrue();
    assertThat(KvClient.decodeResult(200, utf8("{\"success\":true}")).isNull()).isTrue();
    assertThat(KvClient.decodeResult(204, new byte[0]).isNull()).isTrue();
  }

  @Test
  void decodeResult_failureEnvelopeThrows() {
    assertThatThrownBy(() -> KvClient.decodeResult(404, utf8(error(10009, "get: 'key not found'"))))
        .isInstanceOfSatisfying(
            KvException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(ErrorCode.KEY_NOT_FOUND);
              assertThat(e.getMessage()).isEqualTo("get: 'key not found'");
            });
    assertThatThrownBy(() -> KvClient.decodeResult(200, utf8(error(10001, "odd"))))
        .isInstanceOf(KvException.class)
        .hasMessage("odd");
    assertThatThrownBy(() -> KvClient.decodeResult(200, utf8("not json")))
        .isInstanceOfSatisfying(
            KvException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERNAL));
  }

  @Test
  void decodeKeyPage_keysAndCursor() {
    String body =
        "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":["
            + "{\"name\":\"a\"},"
            + "{\"name\":\"b\",\"expiration\":1500,\"metadata\":{ \"m\" : 1 }}],"
            + "\"result_info\":{\"count\":2,\"cursor\":\"AQ\"}}";
    KeyListPage page = KvClient.decodeKeyPage(200, utf8(body));
    assertThat(page.keys())
        .containsExactly(new KeyInfo("a", 0, null), new KeyInfo("b", 1500, "{\"m\":1}"));
    assertThat(page.cursor()).isEqualTo("AQ");
    assertThat(page.hasMore()).isTrue();
  }

  @Test
  void decodeKeyPage_lastPageCursorEmptyOrMissing() {
    String empty = "{\"success\":true,\"result\":[],\"result_info\":{\"count\":0,\"cursor\":\"\"}}";
    assertThat(KvClient.decodeKeyPage(200, utf8(empty)).cursor()).isNull();
    assertThat(KvClient.decodeKeyPage(200, utf8(empty)).hasMore()).isFalse();
    String missing = "{\"success\":true,\"result\":[]}";
    assertThat(KvClient.decodeKeyPage(200, utf8(missing)).hasMore()).isFalse();
  }

  // ------------------------------------------------------------------ against a stub server

  record Seen(
      String method,
      String rawPath,
      String rawQuery,
      Map<String, List<String>> headers,
      byte[] body) {}

  @Nested
  class AgainstStubServer {
    private HttpServer server;
    private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
    private volatile int status = 200;
    private volatile byte[] response =
        utf8("{\"success\":true,\"errors\":[],\"messages\":[],\"result\":null}");
    private KvClient client;

    @BeforeEach
    void start() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/",
          exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            seen.add(
                new Seen(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(),
                    Map.copyOf(exchange.getRequestHeaders()),
                    body));
            exchange.sendResponseHeaders(status, response.length == 0 ? -1 : response.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(response);
            }
          });
      server.start();
      client =
          new KvClient(
              "http://127.0.0.1:" + server.getAddress().getPort() + "/client/v4", "tok", "acc");
    }

    @AfterEach
    void stop() {
      server.stop(0);
    }

    private Seen last() {
      List<Seen> all = new ArrayList<>(seen);
      return all.get(all.size() - 1);
    }

    private String header(Seen s, String name) {
      for (Map.Entry<String, List<String>> e : s.headers().entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    private void respond(int status, String body) {
      this.status = status;
      this.response = utf8(body);
    }

    @Test
    void createNamespace_postsTitleAndSendsToken() throws Exception {
      respond(
          200,
          "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":{\"id\":\""
              + NS
              + "\",\"title\":\"t\",\"supports_url_encoding\":true}}");
      Namespace ns = client.createNamespace("t");
      assertThat(ns).isEqualTo(new Namespace(NS, "acc", "t"));
      Seen s = last();
      assertThat(s.method()).isEqualTo("POST");
      assertThat(s.rawPath()).isEqualTo("/client/v4/accounts/acc/storage/kv/namespaces");
      assertThat(header(s, "Authorization")).isEqualTo("Bearer tok");
      assertThat(header(s, "Content-Type")).isEqualTo("application/json");
      assertThat(KvJson.mapper().readTree(s.body()).get("title").textValue()).isEqualTo("t");
    }

    @Test
    void listNamespaces_sendsPaging() {
      respond(
          200,
          "{\"success\":true,\"result\":[{\"id\":\""
              + NS
              + "\",\"title\":\"a\"}],"
              + "\"result_info\":{\"page\":2,\"per_page\":100,\"count\":1,\"total_count\":101}}");
      assertThat(client.listNamespaces(2, 100)).containsExactly(new Namespace(NS, "acc", "a"));
      assertThat(last().rawQuery()).isEqualTo("page=2&per_page=100");
    }

    @Test
    void listNamespacesRaw_keepsItemsAsSentAndSendsOrder() {
      respond(
          200,
          "{\"success\":true,\"result\":[{\"id\":\""
              + NS
              + "\",\"title\":\"a\",\"supports_url_encoding\":true}]}");
      var items = client.listNamespacesRaw(3, 1000, "title", "asc");
      assertThat(items).hasSize(1);
      assertThat(items.get(0).path("supports_url_encoding").booleanValue()).isTrue();
      assertThat(last().rawQuery()).isEqualTo("per_page=1000&order=title&direction=asc&page=3");
      client.listNamespacesRaw(1, 20, null, null);
      assertThat(last().rawQuery()).isEqualTo("per_page=20&page=1");
    }

    @Test
    void listNamespacesRaw_nonArrayResultIsAnError() {
      respond(200, "{\"success\":true,\"result\":{}}");
      assertThatThrownBy(() -> client.listNamespacesRaw(1, 20, null, null))
          .isInstanceOfSatisfying(
              KvException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERNAL));
    }

    @Test
    void memberships_readsAccountsAndSendsToken() {
      respond(
          200,
          "{\"success\":true,\"result\":[{\"id\":\"m\",\"account\":{\"id\":\"a1\","
              + "\"name\":\"one\"}},{\"account\":{\"id\":\"a2\"}},{\"account\":{}}]}");
      String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/client/v4";
      assertThat(KvClient.memberships(base, "tok"))
          .containsExactly(new KvClient.Account("a1", "one"), new KvClient.Account("a2", ""));
      assertThat(last().rawPath()).isEqualTo("/client/v4/memberships");
      assertThat(last().rawQuery()).isEqualTo("page=1&per_page=50");
      assertThat(header(last(), "Authorization")).isEqualTo("Bearer tok");
    }

    @Test
    void memberships_authFailureThrows() {
      respond(401, error(10000, "Authentication error"));
      String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/client/v4";
      assertThatThrownBy(() -> KvClient.memberships(base, "bad"))
          .isInstanceOfSatisfying(
              KvException.class,
              e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.AUTHENTICATION));
    }

    @Test
    void accessors_baseUrlAndAccount() {
      assertThat(client.baseUrl()).endsWith("/client/v4");
      assertThat(client.accountId()).isEqualTo("acc");
    }

    @Test
    void renameNamespace_nullResultFallsBackToRequest() {
      assertThat(client.renameNamespace(NS, "new")).isEqualTo(new Namespace(NS, "acc", "new"));
      assertThat(last().method()).isEqualTo("PUT");
      assertThat(last().rawPath()).endsWith("/namespaces/" + NS);
    }

    @Test
    void putValue_rawBody() {
      client.putValue(NS, "a/b c", new byte[] {0, 1, (byte) 255}, null, null, 120L);
      Seen s = last();
      assertThat(s.method()).isEqualTo("PUT");
      assertThat(s.rawPath()).endsWith("/namespaces/" + NS + "/values/a%2Fb%20c");
      assertThat(s.rawQuery()).isEqualTo("expiration_ttl=120");
      assertThat(header(s, "Content-Type")).isEqualTo("application/octet-stream");
      assertThat(s.body()).containsExactly(0, 1, 255);
    }

    @Test
    void putValue_multipartWhenMetadata() {
      client.putValue(NS, "k", utf8("v"), "{\"m\":1}", 1500L, null);
      Seen s = last();
      assertThat(s.rawQuery()).isEqualTo("expiration=1500");
      String ct = header(s, "Content-Type");
      assertThat(ct).startsWith("multipart/form-data; boundary=");
      String boundary = ct.substring(ct.indexOf('=') + 1);
      assertThat(new String(s.body(), StandardCharsets.UTF_8))
          .startsWith("--" + boundary + "\r\n")
          .contains("name=\"value\"", "\r\n\r\nv\r\n", "name=\"metadata\"", "{\"m\":1}")
          .endsWith("--" + boundary + "--\r\n");
    }

    @Test
    void getValue_rawBytesOrEmpty() {
      respond(200, "raw value");
      Optional<byte[]> v = client.getValue(NS, "k");
      assertThat(v).isPresent();
      assertThat(new String(v.get(), StandardCharsets.UTF_8)).isEqualTo("raw value");
      respond(404, error(10009, "get: 'key not found'"));
      assertThat(client.getValue(NS, "k")).isEmpty();
      respond(404, error(10013, "get: 'namespace not found'"));
      assertThatThrownBy(() -> client.getValue(NS, "k"))
          .isInstanceOfSatisfying(
              KvException.class,
              e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.NAMESPACE_NOT_FOUND);
                assertThat(e.getMessage()).isEqualTo("get: 'namespace not found'");
              });
    }

    @Test
    void putValue_errorsCarryServerMessage() {
      respond(
          400, error(10001, "Invalid expiration_ttl of 30. Expiration TTL must be at least 60."));
      assertThatThrownBy(() -> client.putValue(NS, "k", utf8("v"), null, null, 30L))
          .isInstanceOfSatisfying(
              KvException.class,
              e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
                assertThat(e.getMessage())
                    .isEqualTo("Invalid expiration_ttl of 30. Expiration TTL must be at least 60.");
              });
    }

    @Test
    void listKeys_sendsQueryAndDecodesPage() {
      respond(
          200,
          "{\"success\":true,\"result\":[{\"name\":\"a b\"}],"
              + "\"result_info\":{\"count\":1,\"cursor\":\"\"}}");
      KeyListPage page = client.listKeys(NS, "a b", 10, "AQ");
      assertThat(page.keys()).containsExactly(new KeyInfo("a b", 0, null));
      assertThat(page.hasMore()).isFalse();
      assertThat(last().rawPath()).endsWith("/keys");
      assertThat(last().rawQuery()).isEqualTo("prefix=a%20b&limit=10&cursor=AQ");
    }

    @Test
    void bulkCalls_sendJsonBodies() throws Exception {
      respond(200, "{\"success\":true,\"result\":{\"values\":{\"a\":\"1\",\"b\":null}}}");
      JsonNode r = client.bulkGet(NS, List.of("a", "b"), "text", true);
      assertThat(r.get("values").get("a").textValue()).isEqualTo("1");
      Seen s = last();
      assertThat(s.method()).isEqualTo("POST");
      assertThat(s.rawPath()).endsWith("/bulk/get");
      assertThat(KvJson.mapper().readTree(s.body()).toString())
          .isEqualTo("{\"keys\":[\"a\",\"b\"],\"type\":\"text\",\"withMetadata\":true}");

      respond(
          200,
          "{\"success\":true,\"result\":{\"successful_key_count\":2,\"unsuccessful_keys\":[]}}");
      client.bulkDelete(NS, List.of("a", "b"));
      assertThat(last().method()).isEqualTo("POST");
      assertThat(last().rawPath()).endsWith("/bulk/delete");
      assertThat(new String(last().body(), StandardCharsets.UTF_8)).isEqualTo("[\"a\",\"b\"]");

      JsonNode items = KvJson.mapper().readTree("[{\"key\":\"k\",\"value\":\"v\"}]");
      assertThat(client.bulkPut(NS, items).get("successful_key_count").intValue()).isEqualTo(2);
      assertThat(last().method()).isEqualTo("PUT");
      assertThat(last().rawPath()).endsWith("/namespaces/" + NS + "/bulk");
    }

    @Test
    void getMetadata_and_delete() {
      respond(200, "{\"success\":true,\"result\":{\"m\":1}}");
      assertThat(client.getMetadata(NS, "k/1").toString()).isEqualTo("{\"m\":1}");
      assertThat(last().rawPath()).endsWith("/metadata/k%2F1");
      respond(200, "{\"success\":true,\"result\":null}");
      client.deleteValue(NS, "k");
      assertThat(last().method()).isEqualTo("DELETE");
      client.deleteNamespace(NS);
      assertThat(last().rawPath()).endsWith("/namespaces/" + NS);
    }
  }

  @Test
  void connectionFailure_isUnavailable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String base = "http://127.0.0.1:" + port + "/client/v4";
    KvClient c = new KvClient(base, null, "acc");
    assertThatThrownBy(() -> c.getNamespace(NS))
        .isInstanceOfSatisfying(
            KvException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
              assertThat(e.getMessage()).isEqualTo("cannot reach flarekv at " + base);
            });
  }
}
