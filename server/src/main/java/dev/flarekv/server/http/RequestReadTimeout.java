package dev.flarekv.server.http;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.server.api.ApiReply;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The request read timeout of one connection: once the first byte of a request has arrived, its
 * head and body must be complete within the timeout, or the request is answered 408 (in its place
 * among pipelined replies, in the listener's own error form) and the connection is closed. A
 * connection waiting between requests is the idle timeout's business, not this one's.
 *
 * <p>Two handlers share the state: {@link #bytes()} sits in front of the HTTP codec and starts the
 * clock at the first byte after a complete request, {@link #messages()} sits right after the codec
 * and stops it when a request's last content is decoded. The clock only counts while the server is
 * asking for bytes: when it is not (it is still answering earlier pipelined requests, or the client
 * is not taking its replies) the clock starts over, so the server's own pace never counts against
 * the client. Bytes received after the timeout are dropped.
 *
 * <p>The timer is lazy: one scheduled check per timeout period at most, however many requests pass
 * in between, so the per-request cost is a clock read.
 */
final class RequestReadTimeout {
  /** Travels down the pipeline in place of the request that did not arrive in time. */
  record Expired(ApiReply reply) {}

  private final Dispatcher dispatcher;
  private final Duration timeout;
  private final long timeoutNanos;
  private final ChannelHandler bytes = new Bytes();
  private final ChannelHandler messages = new Messages();

  private boolean armed;
  private boolean expired;
  private boolean readPending;
  private long startedNanos;
  private Future<?> check;

  RequestReadTimeout(Dispatcher dispatcher, Duration timeout) {
    this.dispatcher = dispatcher;
    this.timeout = timeout;
    this.timeoutNanos = timeout.toNanos();
  }

  /** The handler in front of the codec. */
  ChannelHandler bytes() {
    return bytes;
  }

  /** The handler right after the codec. */
  ChannelHandler messages() {
    return messages;
  }

  private void schedule(ChannelHandlerContext ctx, long nanos) {
    check = ctx.executor().schedule(() -> check(ctx), nanos, TimeUnit.NANOSECONDS);
  }

  private void check(ChannelHandlerContext ctx) {
    check = null;
    if (!armed || expired || !ctx.channel().isActive()) {
      return;
    }
    long now = System.nanoTime();
    long left = startedNanos + timeoutNanos - now;
    if (left > 0) {
      schedule(ctx, left);
      return;
    }
    if (!readPending) {
      // the server is not reading: what is missing may be sitting in the socket, unread
      startedNanos = now;
      schedule(ctx, timeoutNanos);
      return;
    }
    expired = true;
    armed = false;
    ctx.fireChannelRead(
        new Expired(
            dispatcher.error(
                ErrorCode.REQUEST_TIMEOUT.exception(
                    "Request not received in time: its head and body must arrive within "
                        + describe(timeout)
                        + " of its first byte"))));
  }

  static String describe(Duration d) {
    long millis = d.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }

  private void cancel() {
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }

  private final class Bytes extends ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (expired) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (!armed && msg instanceof ByteBuf buf && buf.isReadable()) {
        armed = true;
        startedNanos = System.nanoTime();
        if (check == null) {
          schedule(ctx, timeoutNanos);
        }
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      readPending = false; // a handler further on may ask again right away
      ctx.fireChannelReadComplete();
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
      readPending = true;
      ctx.read();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      cancel();
      ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      cancel();
    }
  }

  private final class Messages extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof LastHttpContent
          || (msg instanceof HttpObject o && o.decoderResult().isFailure())) {
        armed = false; // whole (or unreadable: the route handler answers and closes)
      }
      ctx.fireChannelRead(msg);
    }
  }
}
