package dev.flarekv.server.http;

import dev.flarekv.protocol.error.ErrorCode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Netty's aggregator, but an oversized body (declared by Content-Length or found while streaming a
 * chunked body) is answered with a Cloudflare error envelope instead of a bare 413, and the
 * connection is closed because the rest of the body is not read.
 */
final class BodyLimitAggregator extends HttpObjectAggregator {
  private final int maxBodyBytes;

  BodyLimitAggregator(int maxBodyBytes) {
    super(maxBodyBytes, true);
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    long declared = HttpUtil.getContentLength(oversized, -1L);
    String size = declared >= 0 ? declared + " bytes" : "more than " + maxBodyBytes + " bytes";
    Responses.errorAndClose(
        ctx,
        ErrorCode.PAYLOAD_TOO_LARGE,
        "Request body of " + size + " exceeds the limit of " + maxBodyBytes + " bytes");
  }
}
