package dev.flarekv.server.http;

import dev.flarekv.protocol.envelope.ApiResponse;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.server.api.ApiReply;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;

/** Builds and writes every response in one place: status, length, keep-alive, close. */
final class Responses {
  private Responses() {}

  /** The Netty response for an endpoint's reply; the body array is wrapped, not copied. */
  static FullHttpResponse of(ApiReply reply, boolean keepAlive) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(reply.status()),
            Unpooled.wrappedBuffer(reply.body()));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
    for (Map.Entry<String, String> h : reply.headers().entrySet()) {
      response.headers().set(h.getKey(), h.getValue());
    }
    HttpUtil.setContentLength(response, reply.body().length);
    HttpUtil.setKeepAlive(response, keepAlive);
    return response;
  }

  /** Writes an error envelope and closes the connection (used when the request was not read). */
  static void errorAndClose(ChannelHandlerContext ctx, ErrorCode code, String message) {
    ApiReply reply =
        new ApiReply(
            code.httpStatus(),
            "application/json",
            ApiResponse.error(code, message).toJson(),
            Map.of());
    FullHttpResponse response = of(reply, false);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
