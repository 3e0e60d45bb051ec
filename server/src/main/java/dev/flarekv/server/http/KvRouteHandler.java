package dev.flarekv.server.http;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.api.ApiRequest;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes whole requests off the event loop: each is handed to the {@link Dispatcher} on the storage
 * executor and its reply is written back on the event loop. Reads the dispatcher can answer from
 * memory ({@link Dispatcher#dispatchInline}) are answered on the event loop without the two thread
 * hand-offs.
 *
 * <p>HTTP/1.1 pipelining requires responses in request order, so each channel handles one request
 * at a time: later requests wait in a per-channel queue and reading pauses ({@code autoRead} off)
 * until the queue drains. Stateless and shared; per-channel state lives in a channel attribute.
 */
@ChannelHandler.Sharable
final class KvRouteHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(KvRouteHandler.class);
  private static final AttributeKey<ChannelState> STATE = AttributeKey.valueOf("flarekv.state");
  private static final int MAX_QUEUED_PER_CHANNEL = 16;

  private final Dispatcher dispatcher;
  private final Executor executor;

  KvRouteHandler(Dispatcher dispatcher, Executor executor) {
    this.dispatcher = dispatcher;
    this.executor = executor;
  }

  private static final class ChannelState {
    final ArrayDeque<Object> queue = new ArrayDeque<>();
    boolean busy;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest) && !(msg instanceof Rejection)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ChannelState state = ctx.channel().attr(STATE).get();
    if (state == null) {
      state = new ChannelState();
      ctx.channel().attr(STATE).set(state);
    }
    if (state.busy) {
      if (state.queue.size() >= MAX_QUEUED_PER_CHANNEL) {
        ReferenceCountUtil.release(msg);
        ctx.close();
        return;
      }
      state.queue.add(msg);
      ctx.channel().config().setAutoRead(false);
      return;
    }
    handle(ctx, state, msg);
  }

  private void handle(ChannelHandlerContext ctx, ChannelState state, Object msg) {
    state.busy = true;
    if (msg instanceof Rejection rejection) {
      write(ctx, state, rejection.reply(), rejection.keepAlive());
      return;
    }
    FullHttpRequest request = (FullHttpRequest) msg;
    DecoderResult decoded = request.decoderResult();
    if (decoded.isFailure()) {
      request.release();
      rejectMalformed(ctx, decoded.cause());
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    ApiRequest api;
    try {
      api = ApiRequest.of(request.method(), request.uri(), request.headers(), request.content());
    } catch (RuntimeException e) {
      request.release();
      ApiReply error = e instanceof KvException kv ? dispatcher.error(kv) : KvErrorMapper.reply(e);
      write(ctx, state, error, keepAlive);
      return;
    }
    ApiReply inline = inline(api);
    if (inline != null) {
      request.release();
      write(ctx, state, inline, keepAlive);
      return;
    }
    try {
      executor.execute(
          () -> {
            ApiReply reply;
            try {
              reply = dispatcher.dispatch(api);
            } catch (KvException e) {
              reply = dispatcher.error(e);
            } catch (Throwable t) {
              reply = KvErrorMapper.reply(t);
            } finally {
              request.release();
            }
            ApiReply done = reply;
            ctx.executor().execute(() -> write(ctx, state, done, keepAlive));
          });
    } catch (RejectedExecutionException e) {
      request.release();
      write(
          ctx,
          state,
          dispatcher.error(
              ErrorCode.UNAVAILABLE.exception("Server is overloaded, try again later")),
          keepAlive);
    }
  }

  /** The event-loop answer, or null to take the executor path (which also reports any failure). */
  private ApiReply inline(ApiRequest api) {
    try {
      return dispatcher.dispatchInline(api);
    } catch (Throwable t) {
      log.debug("inline dispatch failed, retrying on the executor: {}", t.toString());
      return null;
    }
  }

  private void write(ChannelHandlerContext ctx, ChannelState state, ApiReply reply, boolean keep) {
    FullHttpResponse response = Responses.of(reply, keep);
    if (!keep) {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      drain(state);
      return;
    }
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    state.busy = false;
    Object next = state.queue.poll();
    if (next != null) {
      handle(ctx, state, next);
    } else {
      ctx.channel().config().setAutoRead(true);
    }
  }

  private void rejectMalformed(ChannelHandlerContext ctx, Throwable cause) {
    ErrorCode code = ErrorCode.INVALID_REQUEST;
    String message = "Malformed HTTP request";
    if (cause instanceof TooLongHttpHeaderException) {
      message = "Request headers are too large";
    } else if (cause instanceof TooLongHttpLineException) {
      code = ErrorCode.KEY_TOO_LONG;
      message = "Request line is too long";
    } else if (cause instanceof TooLongFrameException) {
      message = "Request is too large";
    }
    Responses.errorAndClose(ctx, dispatcher.error(code.exception(message)));
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      ChannelState state = ctx.channel().attr(STATE).get();
      if (state == null || !state.busy) {
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    ChannelState state = ctx.channel().attr(STATE).get();
    if (state != null) {
      drain(state);
    }
    ctx.fireChannelInactive();
  }

  private static void drain(ChannelState state) {
    Object queued;
    while ((queued = state.queue.poll()) != null) {
      ReferenceCountUtil.release(queued);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // I/O errors (reset by peer) and protocol errors end the connection; nothing to answer.
    log.debug("closing connection after error: {}", cause.toString());
    ctx.close();
  }
}
