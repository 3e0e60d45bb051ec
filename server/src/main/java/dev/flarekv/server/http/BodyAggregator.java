package dev.flarekv.server.http;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.api.BodyLimit;
import dev.flarekv.server.api.HeadRoute;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Collects a request head and its body into one {@link FullHttpRequest}, with a body limit chosen
 * per request by the listener with its route ({@link Dispatcher#route}): 25 MiB for a value write,
 * 100 MB for a bulk write, little for everything else. Replaces Netty's aggregator, whose one limit
 * per pipeline would let any route buffer the largest body.
 *
 * <ul>
 *   <li>A declared {@code Content-Length} over the limit is refused from the head; a streamed
 *       (chunked) body is refused once it passes the limit, and its real total length is reported,
 *       as Miniflare does. Either way the rest of the body is read and dropped, never buffered, and
 *       the answer goes out in request order as a {@link Rejection}; the connection stays usable. A
 *       body that keeps coming far past its limit closes the connection.
 *   <li>Every buffered byte is counted against the server-wide {@link BodyBudget} until the request
 *       is released, times the route's {@link BodyLimit#weight} (what parsing the body adds); past
 *       it, requests get a 503. A declared {@code Content-Length} is counted in full from the head,
 *       so a request that cannot fit is refused before its body is read, and parallel uploads are
 *       admitted whole or not at all rather than all failing halfway.
 *   <li>{@code Expect: 100-continue} is answered with 100 only for a request that will be read.
 * </ul>
 *
 * Holds per-connection state: one instance per channel.
 */
final class BodyAggregator extends ChannelInboundHandlerAdapter {
  /** How far past its limit a refused body is read and dropped before the connection is closed. */
  static final long MAX_DISCARD_BYTES = 16L << 20;

  /**
   * Chunks kept as they came before the body is copied into one buffer. A 100 MB body arrives in
   * about 1,600 reads of 64 KiB: at 1,024 it was copied (64 MB, on the event loop, with a second
   * buffer as large meanwhile). The cap still bounds what a body of tiny chunks costs in
   * bookkeeping.
   */
  private static final int MAX_COMPONENTS = 16_384;

  private final Dispatcher dispatcher;
  private final BodyBudget budget;

  private HttpRequest head;
  private BudgetedBody body; // null until the first body byte
  private ByteBufAllocator alloc;
  private HeadRoute route;
  private BodyLimit limit;
  private long received;
  private boolean keepAlive;
  private boolean discarding;
  private boolean overflowed;

  BodyAggregator(Dispatcher dispatcher, BodyBudget budget) {
    this.dispatcher = dispatcher;
    this.budget = budget;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      start(ctx, request);
    }
    if (msg instanceof HttpContent content) {
      content(ctx, content);
    } else if (msg instanceof RequestReadTimeout.Expired expired) {
      timedOut(ctx, expired);
    } else if (!(msg instanceof HttpRequest)) {
      ctx.fireChannelRead(msg);
    }
  }

  /**
   * The request being read did not arrive in time: it is answered 408 in its turn, unless it was
   * answered from its head already (its body was being dropped); either way the connection closes.
   */
  private void timedOut(ChannelHandlerContext ctx, RequestReadTimeout.Expired expired) {
    boolean answered = head != null && discarding && !overflowed;
    abandon();
    head = null;
    discarding = true;
    ctx.fireChannelRead(answered ? Rejection.CLOSE : new Rejection(expired.reply(), false));
  }

  private void start(ChannelHandlerContext ctx, HttpRequest request) {
    abandon(); // a new head always starts over; the codec never interleaves
    head = request;
    received = 0;
    overflowed = false;
    discarding = false;
    keepAlive = Responses.keepAlive(request);
    DecoderResult decoded = request.decoderResult();
    if (decoded.isFailure()) {
      // the route handler answers and closes; the codec reads no more of this connection
      FullHttpRequest failed = emptyRequest(request);
      failed.setDecoderResult(decoded);
      discarding = true;
      ctx.fireChannelRead(failed);
      return;
    }
    if (isUnsupportedExpectation(request)) {
      reject(
          ctx,
          dispatcher.error(
              ErrorCode.INVALID_REQUEST.exception(
                  "Unsupported Expect header: only 100-continue is supported")),
          false);
      return;
    }
    route = dispatcher.route(request);
    limit = route.limit();
    long declared = HttpUtil.getContentLength(request, -1L);
    if (declared > limit.bytes()) {
      reject(ctx, oversized(declared), declared - limit.bytes() <= MAX_DISCARD_BYTES);
      return;
    }
    alloc = ctx.alloc(); // without a declared length, the body is made on its first byte
    if (declared > 0 && !body().prepay(declared)) {
      // a client waiting for 100 Continue sends no body: the connection cannot go on
      reject(ctx, busy(), !HttpUtil.is100ContinueExpected(request));
      return;
    }
    if (HttpUtil.is100ContinueExpected(request)) {
      request.headers().remove(HttpHeaderNames.EXPECT);
      ctx.writeAndFlush(
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    }
  }

  private void content(ChannelHandlerContext ctx, HttpContent content) {
    try {
      if (head == null) {
        return; // content without a head (after an abandoned request)
      }
      if (content.decoderResult().isFailure()) {
        // broken chunk framing: the route handler answers 400 and closes
        abandon();
        FullHttpRequest failed = emptyRequest(head);
        failed.setDecoderResult(content.decoderResult());
        head = null;
        discarding = true;
        ctx.fireChannelRead(failed);
        return;
      }
      int n = content.content().readableBytes();
      received += n;
      if (!discarding && received > limit.bytes()) {
        abandon();
        discarding = true;
        overflowed = true;
      }
      if (discarding) {
        if (overflowed && received - limit.bytes() > MAX_DISCARD_BYTES) {
          // far past the limit: answer now and close rather than read on
          overflowed = false;
          reject(ctx, oversized(-1L), false);
        }
      } else if (n > 0 && !body().add(content.content())) {
        reject(ctx, busy(), true);
      }
      if (content instanceof LastHttpContent last) {
        finish(ctx, last);
      }
    } finally {
      content.release();
    }
  }

  private void finish(ChannelHandlerContext ctx, LastHttpContent last) {
    HttpRequest request = head;
    head = null;
    if (overflowed) {
      overflowed = false;
      ctx.fireChannelRead(new Rejection(oversized(received), keepAlive));
      return;
    }
    if (discarding) {
      discarding = false;
      return;
    }
    ByteBuf done = body == null ? Unpooled.EMPTY_BUFFER : body;
    body = null;
    FullHttpRequest full =
        new RoutedRequest(
            route,
            request.protocolVersion(),
            request.method(),
            request.uri(),
            done,
            request.headers(),
            last.trailingHeaders().isEmpty()
                ? EmptyHttpHeaders.INSTANCE
                : last.trailingHeaders().copy());
    HttpUtil.setContentLength(full, done.readableBytes());
    full.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
    ctx.fireChannelRead(full);
  }

  /** Answers the current request from its head; its body (if any) is dropped as it arrives. */
  private void reject(
      ChannelHandlerContext ctx, dev.flarekv.server.api.ApiReply reply, boolean keepOpen) {
    abandon();
    discarding = true;
    ctx.fireChannelRead(new Rejection(reply, keepAlive && keepOpen));
    if (!keepOpen) {
      head = null;
    }
  }

  private BudgetedBody body() {
    if (body == null) {
      body = new BudgetedBody(alloc, budget, limit.weight());
    }
    return body;
  }

  /**
   * The reply for a body over this request's limit.
   *
   * @param length the declared or counted body length, or -1 when reading stopped far past it
   */
  private ApiReply oversized(long length) {
    return dispatcher.error(limit.exceeded(length));
  }

  private ApiReply busy() {
    return dispatcher.error(
        ErrorCode.UNAVAILABLE.exception(
            "Server is busy with large request bodies; try again later"));
  }

  /** Frees the body being collected, if any. */
  private void abandon() {
    if (body != null) {
      body.release();
      body = null;
    }
  }

  /** Any {@code Expect} but {@code 100-continue} (RFC 9110 10.1.1: answer 417 or, here, 400). */
  private static boolean isUnsupportedExpectation(HttpRequest request) {
    String expect = request.headers().get(HttpHeaderNames.EXPECT);
    return expect != null
        && (!request.protocolVersion().equals(HttpVersion.HTTP_1_1)
            || !expect.trim().equalsIgnoreCase("100-continue"));
  }

  private static FullHttpRequest emptyRequest(HttpRequest request) {
    return new DefaultFullHttpRequest(
        request.protocolVersion(),
        request.method(),
        request.uri(),
        io.netty.buffer.Unpooled.EMPTY_BUFFER,
        request.headers(),
        EmptyHttpHeaders.INSTANCE);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    abandon();
    head = null;
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    abandon();
  }

  /**
   * The body under collection: its bytes, times the route's weight, count against the budget until
   * it is released.
   */
  private static final class BudgetedBody extends CompositeByteBuf {
    private final BodyBudget budget;
    private final int weight;
    private long covered; // body bytes paid for
    private long reserved; // budget bytes taken

    BudgetedBody(ByteBufAllocator alloc, BodyBudget budget, int weight) {
      super(alloc, false, MAX_COMPONENTS);
      this.budget = budget;
      this.weight = weight;
    }

    /** Pays for {@code bytes} more body bytes, or returns false when the budget is spent. */
    boolean prepay(long bytes) {
      long cost = bytes * weight;
      if (!budget.tryReserve(cost)) {
        return false;
      }
      reserved += cost;
      covered += bytes;
      return true;
    }

    /** Appends a retained slice of the chunk, or returns false when the budget is spent. */
    boolean add(ByteBuf chunk) {
      int n = chunk.readableBytes();
      long unpaid = writerIndex() + (long) n - covered;
      if (unpaid > 0 && !prepay(unpaid)) {
        return false;
      }
      addComponent(true, chunk.retainedSlice());
      return true;
    }

    @Override
    protected void deallocate() {
      super.deallocate();
      budget.release(reserved);
      reserved = 0;
    }
  }
}
