package dev.flarekv.server.control;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.server.api.ApiRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Locale;

/**
 * Keeps web pages of other sites away from the controls. A server started without a token answers
 * anyone on the machine, including a page open in a browser there; such a page can send a request
 * but cannot add an {@code Authorization} header or a JSON content type without the browser asking
 * first (a CORS preflight, which this server never grants). So a control request is refused when:
 *
 * <ul>
 *   <li>its {@code Sec-Fetch-Site} says another site or origin sent it;
 *   <li>its {@code Origin} is not this server's own ({@code http(s)://} + its {@code Host});
 *   <li>it carries a body that is not {@code application/json} (a plain HTML form or a "simple"
 *       cross-site request).
 * </ul>
 *
 * Command-line clients send neither header, and a page served by this server itself is same-origin.
 */
final class SameOrigin {
  private SameOrigin() {}

  /**
   * @throws dev.flarekv.protocol.error.KvException 403 for a cross-site request, 400 for a body
   *     that is not JSON
   */
  static void check(ApiRequest request) {
    String site = request.header("Sec-Fetch-Site");
    if (site != null) {
      String s = site.trim().toLowerCase(Locale.ROOT);
      if (!s.equals("same-origin") && !s.equals("none")) {
        throw crossSite();
      }
    }
    String origin = request.header(HttpHeaderNames.ORIGIN.toString());
    if (origin != null) {
      String host = request.header(HttpHeaderNames.HOST.toString());
      String o = origin.trim().toLowerCase(Locale.ROOT);
      String h = host == null ? null : host.trim().toLowerCase(Locale.ROOT);
      if (h == null || !(o.equals("http://" + h) || o.equals("https://" + h))) {
        throw crossSite();
      }
    }
    if (!request.method().equals(HttpMethod.GET) && request.body().isReadable()) {
      String type = request.header(HttpHeaderNames.CONTENT_TYPE.toString());
      if (type == null || !type.trim().toLowerCase(Locale.ROOT).startsWith("application/json")) {
        throw ErrorCode.INVALID_REQUEST.exception(
            "A control request body must be JSON: send Content-Type: application/json");
      }
    }
  }

  private static RuntimeException crossSite() {
    return ErrorCode.FORBIDDEN.exception(
        "Forbidden: flarekv's controls take no cross-site requests (Origin or Sec-Fetch-Site"
            + " names another site); call them from the CLI, a script, or a page this server"
            + " serves");
  }
}
