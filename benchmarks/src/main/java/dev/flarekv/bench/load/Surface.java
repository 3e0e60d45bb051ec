package dev.flarekv.bench.load;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Where the requests go and how they are shaped.
 *
 * <ul>
 *   <li>{@code rest}: the REST API v4 ({@code GET/PUT .../namespaces/{ns}/values/{key}}, {@code GET
 *       .../keys}, {@code PUT .../bulk})
 *   <li>{@code binding}: the workerd binding protocol ({@code GET/PUT /{key}?urlencoded=true},
 *       {@code GET /?key_count_limit&prefix}) with the namespace in {@code X-Flarekv-Namespace}
 *   <li>{@code http}: plain {@code GET/PUT <url><key>}, for any KV-like HTTP service (the Miniflare
 *       Worker of compare.sh)
 * </ul>
 */
public enum Surface {
  REST,
  BINDING,
  HTTP;

  /** Builds the requests of one surface for one namespace. */
  public static final class Requests {
    private final Surface surface;
    private final String prefix;
    private final String fixedHeaders;

    /**
     * @param surface the surface
     * @param basePath for rest the path of the API root (e.g. {@code /client/v4}); for http the
     *     path the key is appended to (e.g. {@code /}); ignored for binding
     * @param accountId the account (rest only)
     * @param namespaceId the namespace (rest only; binding sends it as a header)
     * @param authority the {@code Host} header ({@code host:port})
     * @param extraHeaders headers sent with every request (token, binding namespace)
     */
    public Requests(
        Surface surface,
        String basePath,
        String accountId,
        String namespaceId,
        String authority,
        HttpHeaders extraHeaders) {
      this.surface = surface;
      StringBuilder h =
          new StringBuilder("Host: ").append(authority).append("\r\nConnection: keep-alive\r\n");
      for (Map.Entry<String, String> e : extraHeaders) {
        h.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
      }
      this.fixedHeaders = h.toString();
      String base = basePath == null ? "" : basePath;
      this.prefix =
          switch (surface) {
            case REST ->
                trimSlash(base)
                    + "/accounts/"
                    + accountId
                    + "/storage/kv/namespaces/"
                    + namespaceId;
            case BINDING -> "";
            case HTTP -> base.endsWith("/") ? base : base + "/";
          };
    }

    public Surface surface() {
      return surface;
    }

    public Req get(String key, boolean notFoundOk) {
      return req(HttpMethod.GET, keyUri(key), Req.NO_BODY, null, notFoundOk);
    }

    public Req put(String key, byte[] value, int ttlSeconds) {
      String uri = keyUri(key);
      if (surface != HTTP && ttlSeconds > 0) {
        uri += (uri.indexOf('?') < 0 ? "?" : "&") + "expiration_ttl=" + ttlSeconds;
      }
      return req(HttpMethod.PUT, uri, value, "application/octet-stream", false);
    }

    public Req list(String keyPrefix, int limit) {
      return switch (surface) {
        case REST ->
            req(
                HttpMethod.GET,
                prefix + "/keys?limit=" + limit + "&prefix=" + encode(keyPrefix),
                Req.NO_BODY,
                null,
                false);
        case BINDING ->
            req(
                HttpMethod.GET,
                "/?key_count_limit=" + limit + "&prefix=" + encode(keyPrefix),
                Req.NO_BODY,
                null,
                false);
        case HTTP -> throw new IllegalArgumentException("the http surface has no list");
      };
    }

    /** A bulk write (REST only) of a prebuilt JSON array. */
    public Req bulk(byte[] jsonArray) {
      if (surface != REST) {
        throw new IllegalArgumentException("bulk writes exist on the rest surface only");
      }
      return req(HttpMethod.PUT, prefix + "/bulk", jsonArray, "application/json", false);
    }

    private Req req(
        HttpMethod method, String uri, byte[] body, String contentType, boolean notFoundOk) {
      StringBuilder h =
          new StringBuilder(128 + fixedHeaders.length())
              .append(method.name())
              .append(' ')
              .append(uri)
              .append(" HTTP/1.1\r\n")
              .append(fixedHeaders);
      if (contentType != null) {
        h.append("Content-Type: ").append(contentType).append("\r\n");
      }
      if (body.length > 0 || !HttpMethod.GET.equals(method)) {
        h.append("Content-Length: ").append(body.length).append("\r\n");
      }
      byte[] head = h.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
      return new Req(method, uri, body, contentType, notFoundOk, head);
    }

    private String keyUri(String key) {
      return switch (surface) {
        case REST -> prefix + "/values/" + encode(key);
        case BINDING -> "/" + encode(key) + "?urlencoded=true";
        case HTTP -> prefix + encode(key);
      };
    }
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String trimSlash(String s) {
    String t = s;
    while (t.endsWith("/")) {
      t = t.substring(0, t.length() - 1);
    }
    return t;
  }
}
