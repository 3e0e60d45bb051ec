package dev.flarekv.server.http;

import dev.flarekv.server.api.HeadRoute;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A whole request as {@link BodyAggregator} hands it on, with the route its listener decided from
 * the head ({@link Dispatcher#route}), so {@link KvRouteHandler} passes that decision on instead of
 * the path being matched again.
 */
final class RoutedRequest extends DefaultFullHttpRequest {
  private final HeadRoute route;

  RoutedRequest(
      HeadRoute route,
      HttpVersion version,
      HttpMethod method,
      String uri,
      ByteBuf content,
      HttpHeaders headers,
      HttpHeaders trailers) {
    super(version, method, uri, content, headers, trailers);
    this.route = route;
  }

  HeadRoute route() {
    return route;
  }
}
