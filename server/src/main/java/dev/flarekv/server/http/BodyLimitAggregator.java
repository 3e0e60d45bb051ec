package dev.flarekv.server.http;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.server.api.ApiReply;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Netty's aggregator, but an oversized body (declared by Content-Length or found while streaming a
 * chunked body) is answered with the listener's error reply (a Cloudflare envelope on REST, text
 * and reason phrase on the binding listener) instead of a bare 413, and the connection is closed
 * because the rest of the body is not read.
 */
final class BodyLimitAggregator extends HttpObjectAggregator {
  private final int maxBodyBytes;
  private final Dispatcher dispatcher;

  BodyLimitAggregator(int maxBodyBytes, Dispatcher dispatcher) {
    super(maxBodyBytes, true);
    this.maxBodyBytes = maxBodyBytes;
    this.dispatcher = dispatcher;
  }

  /**
   * Netty answers an {@code Expect} header it cannot meet (anything but {@code 100-continue}, or
   * {@code 100-continue} with a body over the limit) with a bare 417 or 413 and closes; answer with
   * the listener's error reply instead, still closing.
   */
  @Override
  protected Object newContinueResponse(
      HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
    if (!(answer instanceof FullHttpResponse netty)
        || netty.status().codeClass() != HttpStatusClass.CLIENT_ERROR) {
      return answer;
    }
    boolean tooLarge = netty.status().code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code();
    netty.release();
    ApiReply reply =
        tooLarge
            ? dispatcher.error(tooLarge(start))
            : dispatcher.error(
                ErrorCode.INVALID_REQUEST.exception(
                    "Unsupported Expect header: only 100-continue is supported"));
    FullHttpResponse response = Responses.of(reply, false);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }

  private KvException tooLarge(HttpMessage oversized) {
    long declared = HttpUtil.getContentLength(oversized, -1L);
    String size = declared >= 0 ? declared + " bytes" : "more than " + maxBodyBytes + " bytes";
    return ErrorCode.PAYLOAD_TOO_LARGE.exception(
        "Request body of " + size + " exceeds the limit of " + maxBodyBytes + " bytes");
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    Responses.errorAndClose(ctx, dispatcher.error(tooLarge(oversized)));
  }
}
