package dev.flarekv.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Drives one HTTP/1.1 server with keep-alive connections, one request in flight per connection.
 *
 * <p><b>Closed loop</b> (no rate): each connection sends its next operation as soon as the previous
 * one is answered; latency is from send to answer.
 *
 * <p><b>Open loop</b> ({@code rate > 0}): each connection owns {@code rate / connections} of the
 * schedule, operation {@code i} is <i>intended</i> at {@code start + i * interval}, and its latency
 * is measured from that intended time, not from when it could actually be sent. A stalled server
 * therefore shows up in the percentiles (no coordinated omission), as in wrk2.
 *
 * <p>Every request has a timeout: when it fires the operation counts as an error and the connection
 * is replaced. The run ends at the deadline whatever the server does.
 */
public final class LoadRunner {
  private static final long MAX_TRACKABLE_NANOS = TimeUnit.SECONDS.toNanos(120);
  private static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
  private static final long RECONNECT_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** What to run. */
  public record Plan(
      String host,
      int port,
      Workload workload,
      Surface.Requests requests,
      int connections,
      int threads,
      long warmupNanos,
      long durationNanos,
      double rate,
      long timeoutNanos,
      int keys,
      int listKeys,
      int valueSize,
      int ttl,
      HttpHeaders extraHeaders) {}

  /** Live counters, read by the progress line. */
  public static final class Progress {
    final LongAdder ops = new LongAdder();
    final LongAdder errors = new LongAdder();
    volatile long measureStart;
    volatile long deadline;

    public long ops() {
      return ops.sum();
    }

    public long errors() {
      return errors.sum();
    }

    public long measureStart() {
      return measureStart;
    }

    public long deadline() {
      return deadline;
    }
  }

  private final Plan plan;
  private final Progress progress = new Progress();
  private final byte[][] bulkBodies;

  public LoadRunner(Plan plan) {
    this.plan = plan;
    this.bulkBodies = plan.workload.bulkBodies(plan.keys, plan.valueSize, plan.ttl);
  }

  public Progress progress() {
    return progress;
  }

  /**
   * Runs the plan and returns what was measured (the warm-up is discarded).
   *
   * @param onStart called once the connections are being opened, with the progress counters
   */
  public LoadResult run(Consumer<Progress> onStart) throws InterruptedException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(plan.threads, NioIoHandler.newFactory());
    List<Conn> conns = new ArrayList<>();
    try {
      long start = System.nanoTime();
      progress.measureStart = start + plan.warmupNanos;
      progress.deadline = progress.measureStart + plan.durationNanos;
      CountDownLatch done = new CountDownLatch(plan.connections);
      Bootstrap bootstrap =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .option(ChannelOption.SO_KEEPALIVE, true)
              .option(
                  ChannelOption.CONNECT_TIMEOUT_MILLIS,
                  (int)
                      Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(plan.timeoutNanos)))
              .remoteAddress(plan.host, plan.port);
      double perConnInterval = plan.rate > 0 ? plan.connections * 1e9 / plan.rate : 0;
      for (int i = 0; i < plan.connections; i++) {
        long firstIntended = start + (long) (perConnInterval * i / plan.connections);
        Conn conn =
            new Conn(
                bootstrap,
                plan.workload.source(
                    plan.requests,
                    plan.keys,
                    plan.listKeys,
                    plan.valueSize,
                    plan.ttl,
                    bulkBodies,
                    0x5eedL * (i + 1)),
                (long) perConnInterval,
                firstIntended,
                done);
        conns.add(conn);
      }
      onStart.accept(progress);
      conns.forEach(Conn::connect);
      // every request has a timeout, so the connections finish soon after the deadline; the bound
      // here only guards against a bug
      long bound = progress.deadline + plan.timeoutNanos + TimeUnit.SECONDS.toNanos(5);
      boolean finished = done.await(Math.max(0, bound - System.nanoTime()), TimeUnit.NANOSECONDS);
      long end = System.nanoTime();
      for (Conn conn : conns) {
        conn.closeQuietly();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
      Histogram histogram = new Histogram(MAX_TRACKABLE_NANOS, 3);
      Map<String, Long> errorKinds = new TreeMap<>();
      long ops = 0;
      long requests = 0;
      long errors = 0;
      for (Conn conn : conns) {
        synchronized (conn) {
          histogram.add(conn.histogram);
          ops += conn.measuredOps;
          requests += conn.measuredRequests;
          errors += conn.measuredErrors;
          conn.errorKinds.forEach((k, v) -> errorKinds.merge(k, v, Long::sum));
        }
      }
      if (!finished) {
        errorKinds.merge("run did not drain", 1L, Long::sum);
      }
      long measured = Math.max(1, Math.min(end, progress.deadline) - progress.measureStart);
      // latency covers every operation intended inside the window, even one answered after it
      return new LoadResult(ops, requests, errors, errorKinds, histogram, measured);
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** One keep-alive connection and its share of the schedule; all state on its event loop. */
  private final class Conn extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final Bootstrap bootstrap;
    private final Workload.Source source;
    private final long interval;
    private final CountDownLatch done;
    final Histogram histogram = new Histogram(MAX_TRACKABLE_NANOS, 3);
    final Map<String, Long> errorKinds = new TreeMap<>();
    long measuredOps;
    long measuredRequests;
    long measuredErrors;

    private long nextIntended;
    private Channel channel;
    private Workload.Op op;
    private Req req;
    private long opStart;
    private ScheduledFuture<?> timeout;
    private ScheduledFuture<?> pendingStart;
    private long pendingIntended;
    private boolean finished;

    Conn(
        Bootstrap bootstrap,
        Workload.Source source,
        long interval,
        long firstIntended,
        CountDownLatch done) {
      this.bootstrap = bootstrap;
      this.source = source;
      this.interval = interval;
      this.nextIntended = firstIntended;
      this.done = done;
    }

    void connect() {
      ChannelFuture f =
          bootstrap
              .clone()
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new HttpClientCodec())
                          .addLast(new HttpObjectAggregator(MAX_RESPONSE_BYTES))
                          .addLast(Conn.this);
                    }
                  })
              .connect();
      f.addListener(
          (ChannelFuture cf) -> {
            if (cf.isSuccess()) {
              channel = cf.channel();
              scheduleNext();
            } else {
              error("connect failed", System.nanoTime());
              retryLater(cf.channel());
            }
          });
    }

    @Override
    public boolean isSharable() {
      return true; // one handler per connection, re-added after a reconnect
    }

    private void retryLater(Channel failed) {
      long now = System.nanoTime();
      if (now + RECONNECT_DELAY_NANOS >= progress.deadline) {
        finish();
        return;
      }
      failed.eventLoop().schedule(this::connect, RECONNECT_DELAY_NANOS, TimeUnit.NANOSECONDS);
    }

    private void scheduleNext() {
      long now = System.nanoTime();
      if (interval <= 0) {
        if (now >= progress.deadline) {
          finish();
        } else {
          startOp(now);
        }
        return;
      }
      long intended = nextIntended;
      if (intended >= progress.deadline) {
        finish();
        return;
      }
      if (now >= progress.deadline) {
        // the server fell behind: the slots still due are never sent, and say so
        long unsent = (progress.deadline - intended + interval - 1) / interval;
        synchronized (this) {
          measuredErrors += unsent;
          errorKinds.merge("behind schedule (not sent)", unsent, Long::sum);
        }
        progress.errors.add(unsent);
        finish();
        return;
      }
      nextIntended += interval;
      long delay = intended - now;
      if (delay > 0) {
        pendingIntended = intended;
        pendingStart =
            channel
                .eventLoop()
                .schedule(
                    () -> {
                      pendingStart = null;
                      startOp(intended);
                    },
                    delay,
                    TimeUnit.NANOSECONDS);
      } else {
        startOp(intended); // behind schedule: send now, latency still counts from `intended`
      }
    }

    private void startOp(long intended) {
      if (finished) {
        return;
      }
      if (channel == null || !channel.isActive()) {
        reconnect();
        return;
      }
      op = source.next();
      opStart = intended;
      send(op.first());
    }

    private void send(Req next) {
      req = next;
      DefaultFullHttpRequest request =
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1, next.method(), next.uri(), Unpooled.wrappedBuffer(next.body()));
      HttpHeaders h = request.headers();
      h.set(HttpHeaderNames.HOST, plan.host + ":" + plan.port);
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      h.setInt(HttpHeaderNames.CONTENT_LENGTH, next.body().length);
      if (next.contentType() != null) {
        h.set(HttpHeaderNames.CONTENT_TYPE, next.contentType());
      }
      h.add(plan.extraHeaders);
      timeout =
          channel.eventLoop().schedule(this::onTimeout, plan.timeoutNanos, TimeUnit.NANOSECONDS);
      channel.writeAndFlush(request);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      if (req == null) {
        return; // an answer nobody asked for (after a timeout): ignore
      }
      cancelTimeout();
      long now = System.nanoTime();
      boolean measuring = opStart >= progress.measureStart;
      if (measuring && now <= progress.deadline) {
        measuredRequests++;
      }
      int status = response.status().code();
      if (!req.ok(status)) {
        req = null;
        error("status " + status, now);
        if (!keepAlive(response)) {
          ctx.close();
          return;
        }
        scheduleNext();
        return;
      }
      Req next = op.next(status, response.content());
      if (next != null) {
        send(next);
        return;
      }
      req = null;
      if (measuring) {
        synchronized (this) {
          histogram.recordValue(Math.min(now - opStart, MAX_TRACKABLE_NANOS));
          if (now <= progress.deadline) {
            measuredOps++; // throughput counts what completed inside the window
          }
        }
        progress.ops.increment();
      }
      if (!keepAlive(response)) {
        ctx.close();
        return;
      }
      scheduleNext();
    }

    private boolean keepAlive(FullHttpResponse response) {
      return !response.headers().contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
    }

    private void onTimeout() {
      timeout = null;
      if (req != null) {
        req = null;
        error("timeout", System.nanoTime());
      }
      if (channel != null) {
        channel.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      cancelTimeout();
      if (pendingStart != null && ctx.channel() == channel) {
        pendingStart.cancel(false);
        pendingStart = null;
        nextIntended = pendingIntended; // the slot is taken again after the reconnect
      }
      if (req != null) {
        req = null;
        error("connection closed", System.nanoTime());
      }
      if (ctx.channel() == channel && !finished) {
        channel = null;
        retryLater(ctx.channel());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      String kind = cause.getClass().getSimpleName();
      if (req != null) {
        req = null;
        error(kind, System.nanoTime());
      }
      ctx.close();
    }

    private void reconnect() {
      if (channel != null) {
        Channel old = channel;
        channel = null;
        old.close();
      }
      connect();
    }

    private void error(String kind, long now) {
      if (opStart >= progress.measureStart || now >= progress.measureStart) {
        synchronized (this) {
          measuredErrors++;
          errorKinds.merge(kind, 1L, Long::sum);
        }
        progress.errors.increment();
      }
    }

    private void cancelTimeout() {
      if (timeout != null) {
        timeout.cancel(false);
        timeout = null;
      }
    }

    private void finish() {
      if (!finished) {
        finished = true;
        done.countDown();
      }
    }

    void closeQuietly() {
      Channel c = channel;
      if (c != null) {
        c.close();
      }
    }
  }
}
