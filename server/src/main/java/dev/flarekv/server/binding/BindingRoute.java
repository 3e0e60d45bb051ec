package dev.flarekv.server.binding;

import dev.flarekv.server.api.BodyLimit;
import io.netty.handler.codec.http.HttpMethod;

/**
 * The routes of the binding protocol, told apart by the (unwrapped) path alone; the name is the
 * route's metrics tag.
 */
enum BindingRoute {
  /** {@code GET /?key_count_limit&prefix&cursor}. */
  LIST("list"),
  /** {@code POST /bulk/get}. */
  BULK_GET("bulk/get"),
  /** {@code GET|PUT|DELETE /{key}}. */
  KEY("key"),
  NONE("unmatched");

  final String name;

  BindingRoute(String name) {
    this.name = name;
  }

  static BindingRoute of(String path) {
    if (path.equals("/")) {
      return LIST;
    }
    if (path.equals("/bulk/get")) {
      return BULK_GET;
    }
    return path.startsWith("/") && path.indexOf('/', 1) < 0 ? KEY : NONE;
  }

  /**
   * The body limit of a binding request, which depends on its method alone: a value write carries
   * one raw value, a bulk get 100 keys, nothing else a body. A PUT or POST to another route is read
   * up to the same limit, so that the route's own 404 or 405, not a 413, is what the caller hears.
   * The method is all there is to decide on: the remote-proxy form's path holds no route.
   */
  static BodyLimit limit(HttpMethod method) {
    if (method.equals(HttpMethod.PUT)) {
      return BodyLimit.RAW_VALUE;
    }
    if (method.equals(HttpMethod.POST)) {
      return BodyLimit.SMALL; // 100 keys of 512 bytes, escaped, plus options
    }
    return BodyLimit.NONE;
  }
}
