package dev.flarekv.bench.load;

import io.netty.handler.codec.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

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

    /**
     * @param surface the surface
     * @param basePath for rest the path of the API root (e.g. {@code /client/v4}); for http the
     *     path the key is appended to (e.g. {@code /}); ignored for binding
     * @param accountId the account (rest only)
     * @param namespaceId the namespace (rest only; binding sends it as a header)
     */
    public Requests(Surface surface, String basePath, String accountId, String namespaceId) {
      this.surface = surface;
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
      return new Req(HttpMethod.GET, keyUri(key), Req.NO_BODY, null, notFoundOk);
    }

    public Req put(String key, byte[] value, int ttlSeconds) {
      String uri = keyUri(key);
      if (surface != HTTP && ttlSeconds > 0) {
        uri += (uri.indexOf('?') < 0 ? "?" : "&") + "expiration_ttl=" + ttlSeconds;
      }
      return new Req(HttpMethod.PUT, uri, value, "application/octet-stream", false);
    }

    public Req list(String keyPrefix, int limit) {
      return switch (surface) {
        case REST ->
            new Req(
                HttpMethod.GET,
                prefix + "/keys?limit=" + limit + "&prefix=" + encode(keyPrefix),
                Req.NO_BODY,
                null,
                false);
        case BINDING ->
            new Req(
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
      return new Req(HttpMethod.PUT, prefix + "/bulk", jsonArray, "application/json", false);
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
