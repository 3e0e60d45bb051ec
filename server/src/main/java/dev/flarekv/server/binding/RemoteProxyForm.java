package dev.flarekv.server.binding;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.validation.KvValidator;
import dev.flarekv.server.api.ApiRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Miniflare's remote-proxy form of the binding protocol, at {@code /ns/{namespace id}}: what
 * Miniflare sends for a KV binding configured with {@code remoteProxyConnectionString}. It posts
 * every binding request to that exact URL, wrapped:
 *
 * <ul>
 *   <li>method and body unchanged;
 *   <li>{@code MF-URL}: the URL the binding asked for, e.g. {@code
 *       https://fake-host/k?urlencoded=true} or {@code
 *       https://fake-host?key_count_limit=10&prefix=} (no {@code /} before the query);
 *   <li>{@code MF-Header-<name>}: each original header, e.g. {@code MF-Header-cf-kv-metadata};
 *   <li>{@code MF-Binding}: the binding's name (unused here).
 * </ul>
 *
 * Before each operation Miniflare also tries a WebSocket upgrade (an RPC session) at the same URL
 * plus {@code ?MF-Binding=<name>}; that is answered 404 at once. {@link #unwrap} turns a wrapped
 * request back into a plain one, so the same handlers serve both forms. The token, when the server
 * requires one, comes from the connection URL's {@code access_token} query parameter (RFC 6750
 * 2.3), since Miniflare adds no header of its own; an {@code Authorization} header wins over it.
 */
final class RemoteProxyForm {
  /** The path prefix; {@code /ns} alone is a plain request for the key "ns". */
  static final String PREFIX = "/ns/";

  static final String URL_HEADER = "MF-URL";
  static final String METADATA_HEADER = "MF-Header-" + BindingDispatcher.METADATA_HEADER;
  static final String TOKEN_PARAM = "access_token";

  private static final DefaultHttpHeadersFactory HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);

  private RemoteProxyForm() {}

  /**
   * Whether the request path belongs to this form (well formed or not). A plain request path never
   * holds a second {@code /}: workerd percent-encodes the ones in a key.
   */
  static boolean matches(String rawPath) {
    return rawPath.startsWith(PREFIX);
  }

  /**
   * The plain binding request inside a wrapped one: path and query from {@code MF-URL}, metadata
   * from {@code MF-Header-cf-kv-metadata}, the namespace from the path and the token from the
   * connection URL. Other {@code MF-Header-*} values are dropped, so they can never stand in for a
   * namespace or token header. The body buffer is shared, not copied.
   *
   * @throws dev.flarekv.protocol.error.KvException 400 for a path other than {@code /ns/{id}}, a
   *     missing or malformed {@code MF-URL}
   */
  static ApiRequest unwrap(ApiRequest outer) {
    String id = outer.rawPath().substring(PREFIX.length());
    if (!KvValidator.isValidNamespaceId(id)) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "Remote-proxy requests go to /ns/{namespace id}, a namespace id of 32 lowercase hex"
              + " characters");
    }
    String url = outer.header(URL_HEADER);
    if (url == null) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "Missing MF-URL header: /ns/{namespace id} takes the requests Miniflare forwards for a"
              + " KV binding with remoteProxyConnectionString");
    }
    int authority = url.startsWith("https://") ? 8 : url.startsWith("http://") ? 7 : -1;
    if (authority < 0 || url.length() == authority || "/?#".indexOf(url.charAt(authority)) >= 0) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "Malformed MF-URL header: expected an absolute http(s) URL such as"
              + " https://fake-host/key?urlencoded=true");
    }
    // internal only: values were validated on arrival; a decoded token may hold any character
    HttpHeaders headers = HEADERS.newHeaders();
    String metadata = outer.header(METADATA_HEADER);
    if (metadata != null) {
      headers.set(BindingDispatcher.METADATA_HEADER, metadata);
    }
    headers.set(NamespaceResolver.HEADER, id);
    String authorization = outer.header(HttpHeaderNames.AUTHORIZATION.toString());
    String token = outer.param(TOKEN_PARAM);
    if (authorization != null) {
      headers.set(HttpHeaderNames.AUTHORIZATION, authorization);
    } else if (token != null) {
      headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
    }
    return ApiRequest.of(outer.method(), url, headers, outer.body());
  }
}
