package dev.flarekv.protocol.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * A client for flarekv's emulator controls under {@code /flarekv/v1/} (docs/modes.md): the clock,
 * usage, fault rules, edge caches. They answer in the Cloudflare envelope, so failures arrive as
 * {@link KvException}s exactly as {@link KvClient}'s do.
 */
public final class ControlClient {
  /** The path prefix of the controls. */
  public static final String PREFIX = "/flarekv/v1/";

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String serverUrl;
  private final String token;
  private final HttpClient http;

  /**
   * @param serverUrl the server's root, e.g. {@code http://127.0.0.1:8790} (a trailing {@code
   *     /client/v4} is dropped)
   * @param token the bearer token, or null to send none
   */
  public ControlClient(String serverUrl, String token) {
    String root = Objects.requireNonNull(serverUrl, "serverUrl");
    while (root.endsWith("/")) {
      root = root.substring(0, root.length() - 1);
    }
    if (root.endsWith("/client/v4")) {
      root = root.substring(0, root.length() - "/client/v4".length());
    }
    URI uri = URI.create(root);
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException("server URL must be http or https: " + serverUrl);
    }
    this.serverUrl = root;
    this.token = token;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** {@code GET /flarekv/v1/<path>}: the envelope's result. */
  public JsonNode get(String path) {
    return call("GET", path, null);
  }

  /** {@code POST /flarekv/v1/<path>} with a JSON body: the envelope's result. */
  public JsonNode post(String path, JsonNode body) {
    return call("POST", path, body);
  }

  /** {@code DELETE /flarekv/v1/<path>}: the envelope's result. */
  public JsonNode delete(String path) {
    return call("DELETE", path, null);
  }

  /**
   * One control call.
   *
   * @param body the JSON body, or null for none
   * @throws KvException the server's refusal, or UNAVAILABLE when it cannot be reached
   */
  public JsonNode call(String method, String path, JsonNode body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(serverUrl + PREFIX + path)).timeout(TIMEOUT);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      try {
        byte[] bytes = KvJson.mapper().writeValueAsBytes(body);
        request
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new KvException(ErrorCode.UNAVAILABLE, "cannot reach flarekv at " + serverUrl, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ErrorCode.UNAVAILABLE.exception("cannot reach flarekv at " + serverUrl);
    }
    return KvClient.decodeResult(response.statusCode(), response.body());
  }
}
