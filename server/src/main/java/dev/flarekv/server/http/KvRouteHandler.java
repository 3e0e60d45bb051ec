package dev.flarekv.server.http;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.api.ApiRequest;
import dev.flarekv.server.api.HeadRoute;
import dev.flarekv.server.pipeline.KvOperation;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
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
 * at a time. The channel never reads on its own ({@code autoRead} off): this handler asks for the
 * next request with {@code read()} once the reply to the current one is written, and the {@link
 * io.netty.handler.flow.FlowControlHandler} in front of it hands over exactly one request per
 * {@code read()}, holding back the others the codec already decoded. While the channel is not
 * writable (the client is not reading its replies) no next request is asked for, so the server
 * stops reading the socket instead of buffering replies: every request it accepted gets its reply,
 * in order, and memory per connection stays bounded. Stateless and shared; per-channel state lives
 * in a channel attribute.
 */
@ChannelHandler.Sharable
final class KvRouteHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(KvRouteHandler.class);
  private static final AttributeKey<ChannelState> STATE = AttributeKey.valueOf("flarekv.state");

  private final Dispatcher dispatcher;
  private final Executor executor;

  KvRouteHandler(Dispatcher dispatcher, Executor executor) {
    this.dispatcher = dispatcher;
    this.executor = executor;
  }

  /** Touched only on the channel's event loop. */
  private static final class ChannelState {
    /** A request is being answered. */
    boolean busy;

    /** A {@code read()} was issued and no request has arrived since. */
    boolean wanted;

    /** The last reply closes the connection: nothing more is read. */
    boolean closing;

    /** {@link #pull} is on the stack; a nested call only sets {@link #pullAgain}. */
    boolean pulling;

    boolean pullAgain;

    /**
     * Requests that arrived while busy. The flow control in front hands over one request per read,
     * so this stays empty; it is here so that no request is ever dropped.
     */
    ArrayDeque<Object> early;
  }

  private static ChannelState state(ChannelHandlerContext ctx) {
    ChannelState state = ctx.channel().attr(STATE).get();
    if (state == null) {
      state = new ChannelState();
      ctx.channel().attr(STATE).set(state);
    }
    return state;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.fireChannelActive();
    pull(ctx, state(ctx)); // the first request
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest) && !(msg instanceof Rejection)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ChannelState state = state(ctx);
    state.wanted = false;
    if (state.closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (state.busy) {
      if (state.early == null) {
        state.early = new ArrayDeque<>(2);
      }
      state.early.add(msg);
      return;
    }
    handle(ctx, state, msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // a read cycle can end without a whole request (a head still coming in): ask again
    ChannelState state = state(ctx);
    if (state.wanted) {
      state.wanted = false;
      pull(ctx, state);
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    ChannelState state = state(ctx);
    if (ctx.channel().isWritable() && !state.busy) {
      next(ctx, state);
    }
    ctx.fireChannelWritabilityChanged();
  }

  private void handle(ChannelHandlerContext ctx, ChannelState state, Object msg) {
    state.busy = true;
    if (msg instanceof Rejection rejection) {
      if (rejection.reply() == null) {
        // after the replies already written, not over them
        state.closing = true;
        drain(state);
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        return;
      }
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
    boolean keepAlive = Responses.keepAlive(request);
    ApiRequest api;
    try {
      HeadRoute route = request instanceof RoutedRequest routed ? routed.route() : null;
      api =
          ApiRequest.of(
              request.method(), request.uri(), request.headers(), request.content(), route);
    } catch (RuntimeException e) {
      request.release();
      ApiReply error = e instanceof KvException kv ? dispatcher.error(kv) : KvErrorMapper.reply(e);
      write(ctx, state, error, keepAlive);
      return;
    }
    Dispatcher.Inline inline = inline(api);
    if (inline.reply() != null) {
      request.release();
      write(ctx, state, inline.reply(), keepAlive);
      return;
    }
    KvOperation declined = inline.declined();
    try {
      executor.execute(
          () -> {
            ApiReply reply;
            try {
              reply = dispatcher.dispatch(api, declined);
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

  /** The event-loop answer, or the way to the executor (which also reports any failure). */
  private Dispatcher.Inline inline(ApiRequest api) {
    try {
      return dispatcher.dispatchInline(api);
    } catch (Throwable t) {
      log.debug("inline dispatch failed, retrying on the executor: {}", t.toString());
      return Dispatcher.Inline.BLOCKING;
    }
  }

  private void write(ChannelHandlerContext ctx, ChannelState state, ApiReply reply, boolean keep) {
    if (reply.stream() != null) {
      // A streamed reply is the connection's last: it stays busy (so no next request is read and
      // the idle timeout leaves it alone, see userEventTriggered) and the stream writer takes the
      // channel until it closes.
      state.closing = true;
      drain(state);
      EventStreamWriter.start(ctx, reply);
      return;
    }
    FullHttpResponse response = Responses.of(reply, keep);
    ChannelFuture written = ctx.writeAndFlush(response);
    state.busy = false;
    // the handlers on the way out may have turned the reply into the last one (a shutdown drain)
    if (!keep || !HttpUtil.isKeepAlive(response)) {
      written.addListener(ChannelFutureListener.CLOSE);
      state.closing = true;
      drain(state);
      return;
    }
    written.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    next(ctx, state);
  }

  /** Goes on with the next request: one that arrived early, else a read when writable. */
  private void next(ChannelHandlerContext ctx, ChannelState state) {
    Object early = state.early == null ? null : state.early.poll();
    if (early != null) {
      handle(ctx, state, early);
      return;
    }
    pull(ctx, state);
  }

  /**
   * Asks the flow control for the next request unless one is being answered, one was asked for
   * already, the connection is closing or its replies are not being taken ({@link
   * #channelWritabilityChanged} resumes then). A request answered inline arrives and finishes
   * inside {@code read()}; its own call for the next one is turned into another turn of this loop
   * instead of a deeper stack, so a long pipelined burst does not recurse.
   */
  private static void pull(ChannelHandlerContext ctx, ChannelState state) {
    if (state.pulling) {
      state.pullAgain = true;
      return;
    }
    state.pulling = true;
    try {
      do {
        state.pullAgain = false;
        if (state.busy || state.wanted || state.closing || !ctx.channel().isWritable()) {
          return;
        }
        state.wanted = true;
        ctx.read();
      } while (state.pullAgain);
    } finally {
      state.pulling = false;
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
    while (state.early != null && (queued = state.early.poll()) != null) {
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
