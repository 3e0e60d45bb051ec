package dev.flarekv.server.binding;

import dev.flarekv.server.api.ApiRequest;
import dev.flarekv.server.api.BodyLimit;
import dev.flarekv.server.api.HeadRoute;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

/**
 * The route of a binding request, decided once from its head: which form it came in (plain,
 * Miniflare's remote-proxy form, or that form's WebSocket probe), the protocol route (for the
 * remote-proxy form, the one its {@code MF-URL} names) and the body limit.
 *
 * @param remote whether the request came in the remote-proxy form at {@code /ns/{id}}
 * @param websocket whether it is the remote-proxy form's WebSocket probe
 * @param route the protocol route ({@link BindingRoute#NONE} for a remote-proxy request whose
 *     {@code MF-URL} is missing; unwrapping it reports why)
 */
record BindingHead(boolean remote, boolean websocket, BindingRoute route, BodyLimit limit)
    implements HeadRoute {

  /** Decides the route from the head: method, request target and headers. */
  static BindingHead of(HttpMethod method, String uri, HttpHeaders headers) {
    String path = ApiRequest.rawPath(uri);
    BodyLimit limit = BindingRoute.limit(method);
    if (!RemoteProxyForm.matches(path)) {
      return new BindingHead(false, false, BindingRoute.of(path), limit);
    }
    if (headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
      return new BindingHead(true, true, BindingRoute.NONE, limit);
    }
    String url = headers.get(RemoteProxyForm.URL_HEADER);
    BindingRoute inner = url == null ? BindingRoute.NONE : BindingRoute.of(ApiRequest.rawPath(url));
    return new BindingHead(true, false, inner, limit);
  }

  /** The route of a request made without a head decision (a test's direct call): from itself. */
  static BindingHead of(ApiRequest request) {
    return request.route() instanceof BindingHead decided
        ? decided
        : of(request.method(), request.rawPath(), request.headers());
  }

  /** The metrics tag of the route: {@code ns/<route>} for the remote-proxy form. */
  String metricName(BindingRoute r) {
    return remote ? "ns/" + r.name : r.name;
  }
}
