package dev.flarekv.server.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.KvServer;
import dev.flarekv.server.ServerConfig;
import dev.flarekv.storage.testkit.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A real flarekv server on an ephemeral loopback port over real RocksDB in a temp dir (or over
 * Cassandra, see {@link Engine}), with an injected clock, and a small HTTP client for tests.
 */
public final class TestServer implements AutoCloseable {
  /** The fake "now" of the tests: 1,000,000 s after the epoch... plus room, as whole seconds. */
  public static final long NOW_SECONDS = 1_700_000_000L;

  public static final String ACCOUNT = "acct123";
  public static final String TOKEN = "test-token-123";

  private final KvServer server;
  private final MutableClock clock;
  private final HttpClient http;
  private final String base;
  private final String token;

  private TestServer(KvServer server, MutableClock clock, String token) {
    this.server = server;
    this.clock = clock;
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.base = "http://127.0.0.1:" + server.port();
  }

  /** Starts a server with token {@link #TOKEN} on {@code dataDir}. */
  public static TestServer start(Path dataDir) {
    return start(dataDir, List.of(TOKEN));
  }

  /** Starts a server with token {@link #TOKEN} over the engine (RocksDB in {@code dataDir}). */
  public static TestServer start(Path dataDir, Engine engine) {
    return start(dataDir, List.of(TOKEN), new MutableClock(NOW_SECONDS * 1000), engine::configure);
  }

  /** Starts a server with the given tokens (empty = open). */
  public static TestServer start(Path dataDir, List<String> tokens) {
    MutableClock clock = new MutableClock(NOW_SECONDS * 1000);
    return start(dataDir, tokens, clock);
  }

  /** Starts a server with the given tokens and clock. */
  public static TestServer start(Path dataDir, List<String> tokens, MutableClock clock) {
    return start(dataDir, tokens, clock, UnaryOperator.identity());
  }

  /** As {@link #start(Path, List, MutableClock)} with changes to the test configuration. */
  public static TestServer start(
      Path dataDir, List<String> tokens, MutableClock clock, UnaryOperator<ServerConfig> tweak) {
    ServerConfig base =
        ServerConfig.defaults()
            .withPort(0)
            .withDataDir(dataDir)
            .withApiTokens(tokens)
            .withAccountId(ACCOUNT)
            .withBindingPort(ServerConfig.EPHEMERAL_PORT);
    ServerConfig config = tweak.apply(base);
    try {
      return new TestServer(KvServer.start(config, clock), clock, tokens.isEmpty() ? null : TOKEN);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public KvServer server() {
    return server;
  }

  public MutableClock clock() {
    return clock;
  }

  public int port() {
    return server.port();
  }

  /** The workerd binding listener's port. */
  public int bindingPort() {
    return server.bindingPort();
  }

  /** Sends a binding-protocol request (no token unless given in the headers). */
  public Reply binding(
      String method, String pathAndQuery, HttpRequest.BodyPublisher body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bindingPort() + pathAndQuery))
            .timeout(Duration.ofSeconds(60))
            .method(method, body);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b.build());
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String origin() {
    return base;
  }

  /** {@code /client/v4/accounts/acct123/storage/kv/namespaces}. */
  public static String ns() {
    return "/client/v4/accounts/" + ACCOUNT + "/storage/kv/namespaces";
  }

  /** {@code .../namespaces/{id}}. */
  public static String ns(String id) {
    return ns() + "/" + id;
  }

  /** Creates a namespace through the API and returns its id. */
  public String createNamespace(String title) {
    Reply r = send("POST", ns(), json("{\"title\":" + quote(title) + "}"));
    if (r.status() != 200) {
      throw new AssertionError("create namespace failed: " + r);
    }
    return r.json().path("result").path("id").asText();
  }

  public Reply get(String path) {
    return send("GET", path, HttpRequest.BodyPublishers.noBody());
  }

  public Reply delete(String path) {
    return send("DELETE", path, HttpRequest.BodyPublishers.noBody());
  }

  public Reply put(String path, byte[] body) {
    return send("PUT", path, HttpRequest.BodyPublishers.ofByteArray(body));
  }

  public Reply put(String path, String body) {
    return put(path, body.getBytes(StandardCharsets.UTF_8));
  }

  public Reply postJson(String path, String body) {
    return send("POST", path, json(body), "Content-Type", "application/json");
  }

  public Reply putJson(String path, String body) {
    return send("PUT", path, json(body), "Content-Type", "application/json");
  }

  public Reply deleteJson(String path, String body) {
    return send("DELETE", path, json(body), "Content-Type", "application/json");
  }

  /** Sends a request with the test token (if any) and the given extra header pairs. */
  public Reply send(String method, String path, HttpRequest.BodyPublisher body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(60))
            .method(method, body);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b.build());
  }

  /** Sends a fully built request as is. */
  public Reply send(HttpRequest request) {
    try {
      HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return new Reply(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static HttpRequest.BodyPublisher json(String body) {
    return HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8);
  }

  /** A JSON string literal. */
  public static String quote(String s) {
    try {
      return KvJson.mapper().writeValueAsString(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** JavaScript's encodeURIComponent. */
  public static String encodeURIComponent(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-_.!~*'()".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  @Override
  public void close() {
    server.close();
  }

  /** A response: status, headers, raw body. */
  public record Reply(int status, java.net.http.HttpHeaders headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public JsonNode json() {
      return KvJson.parse(body);
    }

    /** The first error code of a failure envelope. */
    public int errorCode() {
      return json().path("errors").path(0).path("code").asInt();
    }

    public String errorMessage() {
      return json().path("errors").path(0).path("message").asText();
    }

    public JsonNode result() {
      return json().path("result");
    }

    @Override
    public String toString() {
      return status + " " + (body.length > 500 ? text().substring(0, 500) + "..." : text());
    }
  }
}
