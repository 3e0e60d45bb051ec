package dev.flarekv.server.api;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.validation.KvValidator;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * One HTTP request as the endpoints see it: method, the raw (still percent-encoded) path, the
 * decoded query, the headers and the body. The body buffer belongs to the request handler, which
 * releases it after the endpoint returns; endpoints must copy what they keep. Immutable.
 *
 * @param method the HTTP method
 * @param rawPath the path exactly as on the request line, without query
 * @param query form-decoded query parameters (the first value of each name wins)
 * @param headers the request headers
 * @param body the request body, possibly empty
 * @param route the route its listener decided from the head ({@code Dispatcher.route}), or null for
 *     a request made without one (a listener then decides it from this request)
 */
public record ApiRequest(
    HttpMethod method,
    String rawPath,
    Map<String, String> query,
    HttpHeaders headers,
    ByteBuf body,
    HeadRoute route) {

  /** Splits a request target into raw path and decoded query. */
  public static ApiRequest of(HttpMethod method, String uri, HttpHeaders headers, ByteBuf body) {
    return of(method, uri, headers, body, null);
  }

  /**
   * Splits a request target into raw path and decoded query, for a request whose listener decided
   * its route from the head.
   *
   * @throws dev.flarekv.protocol.error.KvException a malformed or oversized query
   */
  public static ApiRequest of(
      HttpMethod method, String uri, HttpHeaders headers, ByteBuf body, HeadRoute route) {
    String target = target(uri);
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    Map<String, String> query = q < 0 ? Map.of() : parseQuery(target.substring(q + 1));
    return new ApiRequest(method, path, query, headers, body, route);
  }

  /** The raw path of a request target, as {@link #rawPath} will be: what a head is routed by. */
  public static String rawPath(String uri) {
    String target = target(uri);
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }

  /** The origin-form target (path and query) of a request target, without any fragment. */
  private static String target(String uri) {
    String target = uri;
    if (target.startsWith("http://") || target.startsWith("https://")) {
      // absolute-form request target (RFC 9112 3.2.2): keep path and query; the authority ends
      // at the first '/', '?' or '#' (RFC 3986 3.2), and an empty path is "/"
      int authority = target.indexOf("//") + 2;
      int end = authority;
      while (end < target.length() && "/?#".indexOf(target.charAt(end)) < 0) {
        end++;
      }
      target =
          end < target.length() && target.charAt(end) == '/'
              ? target.substring(end)
              : "/" + target.substring(end);
    }
    int hash = target.indexOf('#');
    return hash < 0 ? target : target.substring(0, hash);
  }

  static Map<String, String> parseQuery(String raw) {
    if (raw.isEmpty()) {
      return Map.of();
    }
    Map<String, String> params = new HashMap<>();
    int start = 0;
    while (start <= raw.length()) {
      int amp = raw.indexOf('&', start);
      int end = amp < 0 ? raw.length() : amp;
      if (end > start) {
        String pair = raw.substring(start, end);
        int eq = pair.indexOf('=');
        String name = KvValidator.decodeQueryComponent(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : KvValidator.decodeQueryComponent(pair.substring(eq + 1));
        params.putIfAbsent(name, value);
      }
      if (amp < 0) {
        break;
      }
      start = amp + 1;
    }
    if (params.size() > 64) {
      throw ErrorCode.INVALID_REQUEST.exception("too many query parameters");
    }
    return Collections.unmodifiableMap(params);
  }

  /** A query parameter, or null when absent. */
  public String param(String name) {
    return query.get(name);
  }

  /** A header value, or null. */
  public String header(String name) {
    return headers.get(name);
  }
}
