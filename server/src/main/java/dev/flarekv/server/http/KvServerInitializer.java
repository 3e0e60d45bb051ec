package dev.flarekv.server.http;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** The pipeline of one connection, top to bottom. */
public final class KvServerInitializer extends ChannelInitializer<SocketChannel> {
  /** Request line limit: a 512-byte key percent-encoded is at most 1,536 characters. */
  static final int MAX_INITIAL_LINE_BYTES = 16 * 1024;

  /** Header block limit. */
  static final int MAX_HEADER_BYTES = 64 * 1024;

  /**
   * The most bytes one socket read takes in. The channel reads only when the route handler is ready
   * for the next request (or one is half received), and the codec decodes all of a read at once:
   * this caps what one connection holds decoded but not yet answered.
   */
  static final int MAX_READ_BYTES = 16 * 1024;

  /**
   * Requests the codec may hold decoded but unanswered before it refuses more: more than a whole
   * read of the smallest requests (16 bytes), so a pipelining client is slowed, never cut off.
   */
  static final int MAX_PIPELINE_DEPTH = 2 * MAX_READ_BYTES / 16;

  private final Dispatcher dispatcher;
  private final KvRouteHandler routeHandler;
  private final BodyBudget budget;
  private final long idleMillis;
  private final Duration requestReadTimeout;
  private final ConnectionTracker tracker;

  public KvServerInitializer(
      Dispatcher dispatcher,
      Executor executor,
      BodyBudget budget,
      Duration idleTimeout,
      Duration requestReadTimeout,
      ConnectionTracker tracker) {
    this.dispatcher = dispatcher;
    this.tracker = tracker;
    this.routeHandler = new KvRouteHandler(dispatcher, executor);
    this.budget = budget;
    this.idleMillis = idleTimeout.toMillis();
    this.requestReadTimeout = requestReadTimeout;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    // reads are driven by the route handler, one request at a time (see KvRouteHandler)
    ch.config().setAutoRead(false);
    ch.config().setRecvByteBufAllocator(new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ_BYTES));
    RequestReadTimeout readTimeout = new RequestReadTimeout(dispatcher, requestReadTimeout);
    HttpDecoderConfig decoder =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(MAX_INITIAL_LINE_BYTES)
            .setMaxHeaderSize(MAX_HEADER_BYTES)
            .setMaxChunkSize(64 * 1024);
    ch.pipeline()
        .addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS))
        .addLast("readTimeout", readTimeout.bytes())
        .addLast("codec", new HttpServerCodec(decoder, MAX_PIPELINE_DEPTH))
        .addLast("readTimeoutEnd", readTimeout.messages())
        .addLast("tracker", tracker)
        .addLast("aggregator", new BodyAggregator(dispatcher, budget))
        .addLast("flow", new FlowControlHandler())
        .addLast("route", routeHandler);
  }
}
