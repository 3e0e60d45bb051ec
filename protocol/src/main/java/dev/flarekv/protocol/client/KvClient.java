package dev.flarekv.protocol.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.codec.StrictUtf8;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.Namespace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A small blocking client of flarekv's Cloudflare-compatible REST API (docs/kv-semantics.md §11).
 * Thread-safe.
 *
 * <p>Failures: a non-2xx answer becomes a {@link KvException} whose {@link ErrorCode} matches the
 * HTTP status and {@code errors[0].code} and whose message is the server's; a connection failure
 * becomes {@code KvException(UNAVAILABLE, "cannot reach flarekv at <base url>")}.
 */
public final class KvClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);
  private static final String JSON = "application/json";
  private static final String OCTETS = "application/octet-stream";

  private final String baseUrl;
  private final String token;
  private final String accountId;
  private final HttpClient http;
  private final RetryPolicy retries;

  /**
   * @param baseUrl the API root, e.g. {@code http://127.0.0.1:8790/client/v4}
   * @param token the bearer token, or {@code null} to send none
   * @param accountId the account all calls act on
   */
  public KvClient(String baseUrl, String token, String accountId) {
    this(
        baseUrl,
        token,
        accountId,
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build());
  }

  /** As {@link #KvClient(String, String, String)} with a caller-supplied {@link HttpClient}. */
  public KvClient(String baseUrl, String token, String accountId, HttpClient http) {
    this(baseUrl, token, accountId, http, RetryPolicy.NONE);
  }

  private KvClient(
      String baseUrl, String token, String accountId, HttpClient http, RetryPolicy retries) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    String trimmed = baseUrl;
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    URI uri = URI.create(trimmed);
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException("base URL must be http or https: " + baseUrl);
    }
    this.baseUrl = trimmed;
    this.token = token;
    this.accountId = Objects.requireNonNull(accountId, "accountId");
    this.http = Objects.requireNonNull(http, "http");
    this.retries = Objects.requireNonNull(retries, "retries");
  }

  /** This client, sending each request again as {@code retries} says (429, 5xx, unreachable). */
  public KvClient withRetries(RetryPolicy retries) {
    return new KvClient(baseUrl, token, accountId, http, retries);
  }

  // ---------------------------------------------------------------- namespaces

  /** Creates a namespace (A2). */
  public Namespace createNamespace(String title) {
    ObjectNode body = KvJson.mapper().createObjectNode().put("title", title);
    return namespace(call(jsonRequest(namespacesUrl(), "POST", body)));
  }

  /** One page of the account's namespaces (A1). */
  public List<Namespace> listNamespaces(int page, int perPage) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("page", Integer.toString(page));
    query.put("per_page", Integer.toString(perPage));
    JsonNode result = call(request(namespacesUrl() + query(query)).GET());
    List<Namespace> out = new ArrayList<>();
    for (JsonNode item : result) {
      out.add(namespace(item));
    }
    return out;
  }

  /**
   * One page of the account's namespaces (A1) as the server sent the items, so a caller can print
   * them unchanged (wrangler's {@code kv namespace list} does).
   *
   * @param order {@code "title"}, {@code "id"} or null for the server default
   * @param direction {@code "asc"}, {@code "desc"} or null for the server default
   * @return the {@code result} array (empty past the last page)
   */
  public ArrayNode listNamespacesRaw(int page, int perPage, String order, String direction) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("per_page", Integer.toString(perPage));
    if (order != null) {
      query.put("order", order);
    }
    if (direction != null) {
      query.put("direction", direction);
    }
    query.put("page", Integer.toString(page));
    JsonNode result = call(request(namespacesUrl() + query(query)).GET());
    if (result instanceof ArrayNode array) {
      return array;
    }
    throw ErrorCode.INTERNAL.exception("invalid namespace listing from flarekv");
  }

  /**
   * The accounts the token may act on, from {@code GET /memberships} (how wrangler discovers its
   * account when none is configured). Follows {@code page} until an empty or short page.
   *
   * @param baseUrl the API root, e.g. {@code http://127.0.0.1:8790/client/v4}
   * @param token the bearer token, or {@code null}
   * @return the accounts, in the server's order
   */
  public static List<Account> memberships(String baseUrl, String token) {
    KvClient client = new KvClient(baseUrl, token, "-");
    List<Account> out = new ArrayList<>();
    int perPage = 50;
    for (int page = 1; page <= 1000; page++) {
      String url = client.baseUrl + "/memberships?page=" + page + "&per_page=" + perPage;
      JsonNode result = client.call(client.request(url).GET());
      for (JsonNode item : result) {
        JsonNode account = item.path("account");
        if (account.path("id").isTextual()) {
          out.add(new Account(account.path("id").textValue(), account.path("name").asText("")));
        }
      }
      if (result.size() < perPage) {
        break;
      }
    }
    return out;
  }

  /**
   * An account from {@code /memberships}.
   *
   * @param id the account id used in API paths
   * @param name its display name
   */
  public record Account(String id, String name) {
    public Account {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(name, "name");
    }
  }

  /** The API root all calls go to, without a trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The account all calls act on. */
  public String accountId() {
    return accountId;
  }

  /** One namespace (A3). */
  public Namespace getNamespace(String namespaceId) {
    return namespace(call(request(namespaceUrl(namespaceId)).GET()));
  }

  /** Renames a namespace (A4). */
  public Namespace renameNamespace(String namespaceId, String title) {
    ObjectNode body = KvJson.mapper().createObjectNode().put("title", title);
    JsonNode result = call(jsonRequest(namespaceUrl(namespaceId), "PUT", body));
    if (result.isObject() && result.hasNonNull("id")) {
      return namespace(result);
    }
    return new Namespace(namespaceId, accountId, title);
  }

  /** Deletes a namespace and all its pairs (A5). */
  public void deleteNamespace(String namespaceId) {
    call(request(namespaceUrl(namespaceId)).DELETE());
  }

  // ---------------------------------------------------------------- values

  /**
   * Writes a value (A8): multipart {@code value} + {@code metadata} when {@code metadataJson} is
   * not null, a raw octet-stream body otherwise.
   *
   * @param expiration absolute expiration in epoch seconds, or null
   * @param ttl seconds from now, or null
   */
  public void putValue(
      String namespaceId,
      String key,
      byte[] value,
      String metadataJson,
      Long expiration,
      Long ttl) {
    Objects.requireNonNull(value, "value");
    String url = valueUrl(namespaceId, key, expiration, ttl);
    HttpRequest.Builder request;
    if (metadataJson == null) {
      request =
          request(url)
              .header("Content-Type", OCTETS)
              .PUT(HttpRequest.BodyPublishers.ofByteArray(value));
    } else {
      String boundary = "flarekv-" + UUID.randomUUID();
      request =
          request(url)
              .header("Content-Type", "multipart/form-data; boundary=" + boundary)
              .PUT(
                  HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, value, metadataJson)));
    }
    call(request);
  }

  /** The value of a key (A7), or empty when the key does not exist or has expired. */
  public Optional<byte[]> getValue(String namespaceId, String key) {
    HttpResponse<byte[]> response = send(request(valueUrl(namespaceId, key, null, null)).GET());
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return Optional.of(response.body());
    }
    KvException error = decodeError(status, response.body());
    if (error.errorCode() == ErrorCode.KEY_NOT_FOUND) {
      return Optional.empty();
    }
    throw error;
  }

  /** Deletes a key (A9); succeeds whether or not it existed. */
  public void deleteValue(String namespaceId, String key) {
    call(request(valueUrl(namespaceId, key, null, null)).DELETE());
  }

  /** The metadata of a key (A10), {@link NullNode} when it has none. */
  public JsonNode getMetadata(String namespaceId, String key) {
    return call(request(namespaceUrl(namespaceId) + "/metadata/" + encodePathSegment(key)).GET());
  }

  /**
   * One page of keys (A6).
   *
   * @param prefix only keys starting with this, or null
   * @param limit page size (10..1000), or null for the server default
   * @param cursor the previous page's cursor, or null for the first page
   */
  public KeyListPage listKeys(String namespaceId, String prefix, Integer limit, String cursor) {
    HttpResponse<byte[]> response =
        send(request(keysUrl(namespaceId, prefix, limit, cursor)).GET());
    return decodeKeyPage(response.statusCode(), response.body());
  }

  // ---------------------------------------------------------------- bulk

  /** Writes many pairs (A11); {@code items} is the JSON array of B2. Returns the result object. */
  public JsonNode bulkPut(String namespaceId, JsonNode items) {
    return call(jsonRequest(namespaceUrl(namespaceId) + "/bulk", "PUT", items));
  }

  /** Deletes many keys (A12, {@code POST .../bulk/delete}). Returns the result object. */
  public JsonNode bulkDelete(String namespaceId, List<String> keys) {
    ArrayNode body = KvJson.mapper().createArrayNode();
    keys.forEach(body::add);
    return call(jsonRequest(namespaceUrl(namespaceId) + "/bulk/delete", "POST", body));
  }

  /**
   * Reads many keys (A13).
   *
   * @param type {@code "text"}, {@code "json"} or null for the default
   * @return the result object, {@code {"values":{...}}}
   */
  public JsonNode bulkGet(
      String namespaceId, List<String> keys, String type, boolean withMetadata) {
    ObjectNode body = KvJson.mapper().createObjectNode();
    ArrayNode array = body.putArray("keys");
    keys.forEach(array::add);
    if (type != null) {
      body.put("type", type);
    }
    if (withMetadata) {
      body.put("withMetadata", true);
    }
    return call(jsonRequest(namespaceUrl(namespaceId) + "/bulk/get", "POST", body));
  }

  // ---------------------------------------------------------------- URLs (package-private for
  // tests)

  String namespacesUrl() {
    return baseUrl + "/accounts/" + encodePathSegment(accountId) + "/storage/kv/namespaces";
  }

  String namespaceUrl(String namespaceId) {
    return namespacesUrl() + "/" + encodePathSegment(namespaceId);
  }

  String valueUrl(String namespaceId, String key, Long expiration, Long ttl) {
    Map<String, String> query = new LinkedHashMap<>();
    if (expiration != null) {
      query.put("expiration", expiration.toString());
    }
    if (ttl != null) {
      query.put("expiration_ttl", ttl.toString());
    }
    return namespaceUrl(namespaceId) + "/values/" + encodePathSegment(key) + query(query);
  }

  String keysUrl(String namespaceId, String prefix, Integer limit, String cursor) {
    Map<String, String> query = new LinkedHashMap<>();
    if (prefix != null) {
      query.put("prefix", prefix);
    }
    if (limit != null) {
      query.put("limit", limit.toString());
    }
    if (cursor != null) {
      query.put("cursor", cursor);
    }
    return namespaceUrl(namespaceId) + "/keys" + query(query);
  }

  /** {@code ?k=v&...} with every name and value escaped, or {@code ""} when empty. */
  static String query(Map<String, String> params) {
    if (params.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : params.entrySet()) {
      sb.append(sb.length() == 0 ? '?' : '&')
          .append(encodeComponent(e.getKey()))
          .append('=')
          .append(encodeComponent(e.getValue()));
    }
    return sb.toString();
  }

  /**
   * JavaScript {@code encodeURIComponent}: keeps {@code A-Z a-z 0-9 - _ . ! ~ * ' ( )} and
   * percent-encodes every other UTF-8 byte with upper-case hex.
   *
   * @throws IllegalArgumentException when {@code s} holds an unpaired surrogate
   */
  static String encodeComponent(String s) {
    ByteBuffer bytes =
        StrictUtf8.encode(s)
            .orElseThrow(() -> new IllegalArgumentException("not valid Unicode text"));
    StringBuilder sb = new StringBuilder(bytes.remaining() * 3);
    while (bytes.hasRemaining()) {
      int b = bytes.get() & 0xFF;
      if (isUnreserved(b)) {
        sb.append((char) b);
      } else {
        sb.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
      }
    }
    return sb.toString();
  }

  /**
   * {@link #encodeComponent} for a path segment; additionally a segment that is exactly {@code .}
   * or {@code ..} is sent as {@code %2E} / {@code %2E%2E} so no URL layer treats it as a dot
   * segment (the server then answers with its own validation error).
   */
  static String encodePathSegment(String s) {
    if (s.equals(".")) {
      return "%2E";
    }
    if (s.equals("..")) {
      return "%2E%2E";
    }
    return encodeComponent(s);
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private static boolean isUnreserved(int b) {
    return (b >= 'A' && b <= 'Z')
        || (b >= 'a' && b <= 'z')
        || (b >= '0' && b <= '9')
        || b == '-'
        || b == '_'
        || b == '.'
        || b == '!'
        || b == '~'
        || b == '*'
        || b == '\''
        || b == '('
        || b == ')';
  }

  static byte[] multipart(String boundary, byte[] value, String metadataJson) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 512);
    String head =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"value\"; filename=\"blob\""
            + "\r\nContent-Type: application/octet-stream\r\n\r\n";
    out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(value);
    String meta =
        "\r\n--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
            + "Content-Type: application/json\r\n\r\n"
            + metadataJson
            + "\r\n--"
            + boundary
            + "--\r\n";
    out.writeBytes(meta.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  // ---------------------------------------------------------------- responses (package-private for
  // tests)

  /** The {@code result} of a 2xx envelope, or throws the decoded error otherwise. */
  static JsonNode decodeResult(int status, byte[] body) {
    if (status < 200 || status >= 300) {
      throw decodeError(status, body);
    }
    if (body == null || body.length == 0) {
      return NullNode.getInstance();
    }
    JsonNode envelope;
    try {
      envelope = KvJson.parse(body);
    } catch (KvException e) {
      throw ErrorCode.INTERNAL.exception("invalid JSON response from flarekv");
    }
    if (envelope.path("success").isBoolean() && !envelope.path("success").booleanValue()) {
      throw decodeError(status, body);
    }
    JsonNode result = envelope.path("result");
    return result.isMissingNode() ? NullNode.getInstance() : result;
  }

  /** The exception for a failed response: ErrorCode by HTTP status and error code. */
  static KvException decodeError(int status, byte[] body) {
    JsonNode first = null;
    if (body != null && body.length > 0) {
      try {
        JsonNode errors = KvJson.parse(body).path("errors");
        if (errors.isArray() && errors.size() > 0) {
          first = errors.get(0);
        }
      } catch (KvException e) {
        first = null;
      }
    }
    if (first == null) {
      ErrorCode code = errorCodeFor(status, -1);
      return code.exception("HTTP " + status + " from flarekv");
    }
    ErrorCode code = errorCodeFor(status, first.path("code").asInt(-1));
    JsonNode message = first.path("message");
    return code.exception(message.isTextual() ? message.textValue() : code.defaultMessage());
  }

  /** The constant with this HTTP status and code; else a fallback chosen by status alone. */
  static ErrorCode errorCodeFor(int status, int code) {
    for (ErrorCode c : ErrorCode.values()) {
      if (c.httpStatus() == status && c.code() == code) {
        return c;
      }
    }
    return switch (status) {
      case 400 -> ErrorCode.INVALID_REQUEST;
      case 401 -> ErrorCode.AUTHENTICATION;
      case 403 -> ErrorCode.FORBIDDEN;
      case 404 -> ErrorCode.NO_ROUTE;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 408 -> ErrorCode.REQUEST_TIMEOUT;
      case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
      case 414 -> ErrorCode.KEY_TOO_LONG;
      case 429, 502, 503, 504 -> ErrorCode.UNAVAILABLE;
      default -> ErrorCode.INTERNAL;
    };
  }

  /** A key page from a list-keys response. */
  static KeyListPage decodeKeyPage(int status, byte[] body) {
    if (status < 200 || status >= 300) {
      throw decodeError(status, body);
    }
    JsonNode envelope;
    try {
      envelope = KvJson.parse(body);
    } catch (KvException e) {
      throw ErrorCode.INTERNAL.exception("invalid JSON response from flarekv");
    }
    List<KeyInfo> keys = new ArrayList<>();
    for (JsonNode item : envelope.path("result")) {
      JsonNode metadata = item.path("metadata");
      keys.add(
          new KeyInfo(
              item.path("name").asText(),
              item.path("expiration").asLong(KvEntry.NO_EXPIRATION),
              metadata.isMissingNode() || metadata.isNull() ? null : KvJson.compact(metadata)));
    }
    JsonNode cursor = envelope.path("result_info").path("cursor");
    return new KeyListPage(keys, cursor.isTextual() ? cursor.textValue() : null);
  }

  private Namespace namespace(JsonNode node) {
    return new Namespace(node.path("id").asText(), accountId, node.path("title").asText());
  }

  // ---------------------------------------------------------------- transport

  private HttpRequest.Builder request(String url) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private HttpRequest.Builder jsonRequest(String url, String method, JsonNode body) {
    byte[] bytes;
    try {
      bytes = KvJson.mapper().writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    return request(url)
        .header("Content-Type", JSON)
        .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
  }

  private JsonNode call(HttpRequest.Builder request) {
    HttpResponse<byte[]> response = send(request);
    return decodeResult(response.statusCode(), response.body());
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request) {
    try {
      HttpRequest built = request.build();
      return retries.send(() -> http.send(built, HttpResponse.BodyHandlers.ofByteArray()));
    } catch (IOException e) {
      // the message stays one line for the CLI; the cause (refused, reset, timed out) is kept
      throw new KvException(ErrorCode.UNAVAILABLE, "cannot reach flarekv at " + baseUrl, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ErrorCode.UNAVAILABLE.exception("cannot reach flarekv at " + baseUrl);
    }
  }
}
