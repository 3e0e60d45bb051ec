package dev.flarekv.server.http;

import dev.flarekv.server.api.ApiReply;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Runs {@link Dispatcher#precheck} on each request head before the aggregator buffers the body.
 * After a rejection it drops everything else the client sends until the connection is closed. Holds
 * per-connection state, so one instance per channel.
 */
final class PrecheckHandler extends ChannelInboundHandlerAdapter {
  private final Dispatcher dispatcher;
  private boolean discarding;

  PrecheckHandler(Dispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (discarding) {
      discarding = !(msg instanceof LastHttpContent);
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest head && head.decoderResult().isSuccess()) {
      ApiReply rejection = dispatcher.precheck(head);
      if (rejection != null) {
        discarding = !(msg instanceof LastHttpContent);
        boolean keepAlive = HttpUtil.isKeepAlive(head);
        ReferenceCountUtil.release(msg);
        ctx.fireChannelRead(new Rejection(rejection, keepAlive));
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }
}
