package dev.flarekv.server.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
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

  private final Dispatcher dispatcher;
  private final KvRouteHandler routeHandler;
  private final BodyBudget budget;
  private final long idleMillis;
  private final ConnectionTracker tracker;

  public KvServerInitializer(
      Dispatcher dispatcher,
      Executor executor,
      BodyBudget budget,
      Duration idleTimeout,
      ConnectionTracker tracker) {
    this.dispatcher = dispatcher;
    this.tracker = tracker;
    this.routeHandler = new KvRouteHandler(dispatcher, executor);
    this.budget = budget;
    this.idleMillis = idleTimeout.toMillis();
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ch.pipeline()
        .addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS))
        .addLast(
            "foldGuard", new ObsFoldGuard(dispatcher, MAX_INITIAL_LINE_BYTES, MAX_HEADER_BYTES))
        .addLast("codec", new HttpServerCodec(MAX_INITIAL_LINE_BYTES, MAX_HEADER_BYTES, 64 * 1024))
        .addLast("tracker", tracker)
        .addLast("keepAlive", new HttpServerKeepAliveHandler())
        .addLast("aggregator", new BodyAggregator(dispatcher, budget))
        .addLast("route", routeHandler);
  }
}
