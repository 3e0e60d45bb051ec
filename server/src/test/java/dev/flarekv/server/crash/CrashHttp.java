package dev.flarekv.server.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.testkit.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTP to one server run: the REST API ({@code /client/v4}) and the binding listener (workerd's KV
 * protocol, namespace in {@code X-Flarekv-Namespace}). Every call is real HTTP/1.1 on loopback.
 */
final class CrashHttp {
  static final String NAMESPACE_HEADER = "X-Flarekv-Namespace";

  /** A status, body and headers. */
  record Reply(int status, byte[] body, HttpHeaders headers) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    JsonNode json() {
      return KvJson.parse(body);
    }

    /** The first Cloudflare error code of an envelope, or 0. */
    int errorCode() {
      try {
        return json().path("errors").path(0).path("code").asInt(0);
      } catch (RuntimeException e) {
        return 0;
      }
    }

    @Override
    public String toString() {
      String t = text();
      return status + " " + (t.length() > 300 ? t.substring(0, 300) + "..." : t);
    }
  }

  final String origin;
  final String binding;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  CrashHttp(int restPort, int bindingPort) {
    this.origin = "http://127.0.0.1:" + restPort;
    this.binding = "http://127.0.0.1:" + bindingPort;
  }

  static String ns(String id) {
    return TestServer.ns(id);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** A REST call; {@code body} null for none. */
  Reply rest(String method, String path, String contentType, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(origin + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + TestServer.TOKEN);
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b, method, body);
  }

  /** A binding call on {@code namespaceId}; {@code headers} are name, value pairs. */
  Reply bind(String method, String namespaceId, String path, byte[] body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(binding + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + TestServer.TOKEN)
            .header(NAMESPACE_HEADER, namespaceId);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b, method, body);
  }

  private Reply send(HttpRequest.Builder b, String method, byte[] body)
      throws IOException, InterruptedException {
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Reply(r.statusCode(), r.body(), r.headers());
  }

  /** A call the checks need to succeed. */
  static Reply expect200(Reply r, String what) {
    if (r.status() != 200) {
      throw new IllegalStateException(what + ": " + r);
    }
    return r;
  }

  /** Every key under {@code prefix} through the REST list, all pages: name to key info. */
  Map<String, JsonNode> restList(String namespaceId, String prefix)
      throws IOException, InterruptedException {
    Map<String, JsonNode> all = new LinkedHashMap<>();
    String cursor = "";
    do {
      String path =
          ns(namespaceId)
              + "/keys?limit=1000&prefix="
              + enc(prefix)
              + (cursor.isEmpty() ? "" : "&cursor=" + enc(cursor));
      JsonNode page = expect200(rest("GET", path, null, null), "list " + path).json();
      page.path("result").forEach(k -> all.put(k.path("name").asText(), k));
      cursor = page.path("result_info").path("cursor").asText("");
    } while (!cursor.isEmpty());
    return all;
  }

  /** The same through the binding listener. */
  Map<String, JsonNode> bindingList(String namespaceId, String prefix)
      throws IOException, InterruptedException {
    Map<String, JsonNode> all = new LinkedHashMap<>();
    String cursor = null;
    while (true) {
      String path =
          "/?key_count_limit=1000&prefix="
              + enc(prefix)
              + (cursor == null ? "" : "&cursor=" + enc(cursor));
      JsonNode page =
          expect200(bind("GET", namespaceId, path, null), "binding list " + path).json();
      page.path("keys").forEach(k -> all.put(k.path("name").asText(), k));
      if (page.path("list_complete").asBoolean(true)) {
        return all;
      }
      cursor = page.path("cursor").asText();
    }
  }

  /** REST bulk get with metadata: name to {value, metadata, expiration} or null. */
  JsonNode restBulkGet(String namespaceId, List<String> names)
      throws IOException, InterruptedException {
    Reply r =
        rest(
            "POST",
            ns(namespaceId) + "/bulk/get",
            "application/json",
            bulkGetBody(names).getBytes(StandardCharsets.UTF_8));
    return expect200(r, "bulk get").json().path("result").path("values");
  }

  /** Binding bulk get with metadata: name to {value, metadata} or null. */
  JsonNode bindingBulkGet(String namespaceId, List<String> names)
      throws IOException, InterruptedException {
    Reply r =
        bind(
            "POST",
            namespaceId,
            "/bulk/get",
            bulkGetBody(names).getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/json");
    return expect200(r, "binding bulk get").json();
  }

  private static String bulkGetBody(List<String> names) {
    ObjectNode body = KvJson.mapper().createObjectNode();
    ArrayNode keys = body.putArray("keys");
    names.forEach(keys::add);
    body.put("withMetadata", true);
    return body.toString();
  }

  /** A state read from a bulk get answer ({@code expiration} 0 where the answer has none). */
  static CrashModel.State state(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return CrashModel.State.ABSENT;
    }
    JsonNode m = v.path("metadata");
    return new CrashModel.State(
        v.path("value").asText(),
        m.isNull() || m.isMissingNode() ? null : m.toString(),
        v.path("expiration").asLong(0));
  }

  /** The account's namespaces: id to title. */
  Map<String, String> namespaces() throws IOException, InterruptedException {
    Map<String, String> all = new LinkedHashMap<>();
    for (int page = 1; ; page++) {
      JsonNode r =
          expect200(
                  rest("GET", TestServer.ns() + "?per_page=100&page=" + page, null, null),
                  "list namespaces")
              .json();
      List<JsonNode> items = new ArrayList<>();
      r.path("result").forEach(items::add);
      items.forEach(n -> all.put(n.path("id").asText(), n.path("title").asText()));
      if (items.size() < 100) {
        return all;
      }
    }
  }
}
