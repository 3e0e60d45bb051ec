package dev.flarekv.server.http;

import dev.flarekv.server.api.ApiReply;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;

/** Builds and writes every response in one place: status, length, keep-alive, close. */
final class Responses {
  private Responses() {}

  /**
   * Whether the connection stays open after the answer to this request: the one place that decides
   * it, from the head (HTTP/1.1 unless {@code Connection: close}, HTTP/1.0 only with {@code
   * Connection: keep-alive}). {@link BodyAggregator} decides it for the answers it gives from the
   * head, {@link KvRouteHandler} for the rest; the response then says so ({@link #of}) and the
   * route handler closes after it. A shutdown drain may still turn a response into the last one
   * ({@link ConnectionTracker}).
   */
  static boolean keepAlive(HttpRequest request) {
    return HttpUtil.isKeepAlive(request);
  }

  /** The Netty response for an endpoint's reply; the body array is wrapped, not copied. */
  static FullHttpResponse of(ApiReply reply, boolean keepAlive) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status(reply), Unpooled.wrappedBuffer(reply.body()));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
    for (Map.Entry<String, String> h : reply.headers().entrySet()) {
      response.headers().set(h.getKey(), h.getValue());
    }
    HttpUtil.setContentLength(response, reply.body().length);
    HttpUtil.setKeepAlive(response, keepAlive);
    return response;
  }

  private static HttpResponseStatus status(ApiReply reply) {
    if (reply.reason() == null) {
      return HttpResponseStatus.valueOf(reply.status());
    }
    return new HttpResponseStatus(reply.status(), reasonPhrase(reply.reason()));
  }

  /**
   * A reason phrase is a single line of bytes: control characters become spaces, the text is cut to
   * 512 characters (as Miniflare does), and each UTF-8 byte becomes one char so that Netty's ASCII
   * encoder writes the UTF-8 bytes unchanged.
   */
  static String reasonPhrase(String message) {
    StringBuilder clean = new StringBuilder(Math.min(message.length(), 512));
    message
        .codePoints()
        .limit(512)
        .forEach(c -> clean.appendCodePoint(c < 0x20 || c == 0x7f ? ' ' : c));
    byte[] utf8 = clean.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return new String(utf8, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /**
   * Writes an error reply and closes the connection (used when the request was not read). The reply
   * comes from the listener's {@link Dispatcher#error}, so a REST client gets an envelope and
   * workerd a text body with the message as reason phrase.
   */
  static void errorAndClose(ChannelHandlerContext ctx, ApiReply reply) {
    FullHttpResponse response = of(reply, false);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
