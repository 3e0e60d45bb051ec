package dev.flarekv.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongFunction;
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
 *
 * <p>The per-request path is kept lean so that the generator is not the bottleneck on a small
 * machine it shares with the server: requests are pre-encoded ({@link Req#head()}), answers are
 * read by {@link ResponseParser} (no codec objects, bodies skipped unless needed), writes go out
 * with the void promise, timeouts are a per-connection periodic check rather than a timer per
 * request, and each connection is pinned to one event loop so they are spread evenly.
 */
public final class LoadRunner {
  /** System property choosing the generator's transport: {@code auto} (default) or {@code nio}. */
  static final String TRANSPORT_PROPERTY = "flarekv.bench.transport";

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
      int ttl) {}

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

  /** Creates the operations of one connection (one instance per connection, not shared). */
  public interface OpSource {
    Workload.Op next();
  }

  private final Plan plan;
  private final Progress progress = new Progress();
  private final LongFunction<OpSource> sources;

  /** Runs the plan's workload. */
  public LoadRunner(Plan plan) {
    this.plan = plan;
    byte[][] bulkBodies = plan.workload.bulkBodies(plan.keys, plan.valueSize, plan.ttl);
    Workload.Shared shared =
        plan.workload.shared(
            plan.requests, plan.keys, plan.listKeys, plan.valueSize, plan.ttl, bulkBodies);
    this.sources = seed -> plan.workload.source(shared, seed);
  }

  /**
   * Runs the plan's schedule (connections, timing, rate) with other operations: {@code sources}
   * gets a seed per connection and returns that connection's operations. The plan's workload is
   * then only a label.
   */
  public LoadRunner(Plan plan, LongFunction<OpSource> sources) {
    this.plan = plan;
    this.sources = sources;
  }

  /**
   * Ends the measured window now (or keeps the earlier deadline): connections send nothing intended
   * after it and {@link #run} returns once the requests in flight are answered. Thread-safe; for a
   * window whose end is an event (e.g. a sweep finishing) rather than a duration.
   */
  public void stop() {
    long now = System.nanoTime();
    synchronized (progress) {
      if (now < progress.deadline) {
        progress.deadline = Math.max(now, progress.measureStart);
      }
    }
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
    boolean epoll = epoll();
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            plan.threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    List<Conn> conns = new ArrayList<>();
    Pacer pacer = plan.rate > 0 ? (epoll ? Pacer.onLoops() : Pacer.ownThread()) : null;
    try {
      long start = System.nanoTime();
      synchronized (progress) {
        progress.measureStart = start + plan.warmupNanos;
        progress.deadline = progress.measureStart + plan.durationNanos;
      }
      CountDownLatch done = new CountDownLatch(plan.connections);
      Bootstrap bootstrap =
          new Bootstrap()
              .group(group)
              .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
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
        EventLoop loop = group.next(); // round robin: connections spread evenly over the loops
        Conn conn =
            new Conn(
                bootstrap.clone(loop),
                loop,
                sources.apply(0x5eedL * (i + 1)),
                perConnInterval,
                firstIntended,
                pacer,
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
        conn.loop.execute(conn::closeQuietly);
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
      Histogram histogram = new Histogram(MAX_TRACKABLE_NANOS, 3);
      Histogram sendLag = new Histogram(MAX_TRACKABLE_NANOS, 3);
      Map<String, Long> errorKinds = new TreeMap<>();
      long ops = 0;
      long requests = 0;
      long errors = 0;
      for (Conn conn : conns) {
        synchronized (conn) {
          histogram.add(conn.histogram);
          sendLag.add(conn.sendLag);
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
      return new LoadResult(
          ops, requests, errors, errorKinds, histogram, plan.rate > 0 ? sendLag : null, measured);
    } finally {
      if (pacer != null) {
        pacer.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /**
   * The generator's transport: Linux epoll where its native library loads (its timers fire to the
   * microsecond, so open-loop sends leave on time without a pacer thread), else NIO. {@value
   * #TRANSPORT_PROPERTY} = {@code nio} forces NIO (to compare the two).
   */
  static boolean epoll() {
    String choice = System.getProperty(TRANSPORT_PROPERTY, "auto");
    return !choice.equalsIgnoreCase("nio") && Epoll.isAvailable();
  }

  /** One keep-alive connection and its share of the schedule; all state on its event loop. */
  private final class Conn extends ChannelInboundHandlerAdapter implements ResponseParser.Listener {
    private final Bootstrap bootstrap;
    final EventLoop loop;
    private final OpSource source;
    private final double interval;
    private final long firstIntended;
    private final Pacer pacer;
    private final CountDownLatch done;
    private final ResponseParser parser = new ResponseParser(MAX_RESPONSE_BYTES);
    final Histogram histogram = new Histogram(MAX_TRACKABLE_NANOS, 3);

    /** Open loop: how late each measured operation left after its intended time. */
    final Histogram sendLag = new Histogram(MAX_TRACKABLE_NANOS, 3);

    final Map<String, Long> errorKinds = new TreeMap<>();
    long measuredOps;
    long measuredRequests;
    long measuredErrors;

    /** Open loop: index of the next slot of this connection's schedule. */
    private long slot;

    private Channel channel;
    private Workload.Op op;
    private Req req;
    private long opStart;
    private long sentAt;
    private ScheduledFuture<?> timeoutCheck;
    private Pacer.Slot pendingStart;
    private boolean finished;

    Conn(
        Bootstrap bootstrap,
        EventLoop loop,
        OpSource source,
        double interval,
        long firstIntended,
        Pacer pacer,
        CountDownLatch done) {
      this.bootstrap = bootstrap.handler(this);
      this.loop = loop;
      this.source = source;
      this.interval = interval;
      this.firstIntended = firstIntended;
      this.pacer = pacer;
      this.done = done;
    }

    /** Open loop: the intended send time of slot {@code i} (no drift from rounding). */
    private long intended(long i) {
      return firstIntended + (long) (i * interval);
    }

    void connect() {
      ChannelFuture f = bootstrap.connect();
      f.addListener(
          (ChannelFuture cf) -> {
            if (finished) {
              cf.channel().close();
            } else if (cf.isSuccess()) {
              channel = cf.channel();
              parser.reset();
              if (timeoutCheck == null) {
                long period =
                    Math.max(
                        TimeUnit.MILLISECONDS.toNanos(1),
                        Math.min(TimeUnit.MILLISECONDS.toNanos(100), plan.timeoutNanos / 10));
                timeoutCheck =
                    loop.scheduleAtFixedRate(
                        this::checkTimeout, period, period, TimeUnit.NANOSECONDS);
              }
              scheduleNext();
            } else {
              error("connect failed", System.nanoTime());
              retryLater();
            }
          });
    }

    @Override
    public boolean isSharable() {
      return true; // one handler per connection, re-added after a reconnect
    }

    private void retryLater() {
      long now = System.nanoTime();
      if (now + RECONNECT_DELAY_NANOS >= progress.deadline) {
        finish();
        return;
      }
      loop.schedule(this::connect, RECONNECT_DELAY_NANOS, TimeUnit.NANOSECONDS);
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
      long intended = intended(slot);
      if (intended >= progress.deadline) {
        finish();
        return;
      }
      if (now >= progress.deadline) {
        // the server fell behind: the slots still due are never sent, and say so
        long unsent = 0;
        for (long i = slot; intended(i) < progress.deadline; i++) {
          unsent++;
        }
        synchronized (this) {
          measuredErrors += unsent;
          errorKinds.merge("behind schedule (not sent)", unsent, Long::sum);
        }
        progress.errors.add(unsent);
        finish();
        return;
      }
      slot++;
      long delay = intended - now;
      if (delay > 0) {
        pendingStart = pacer.schedule(intended, new Start(intended), loop);
      } else {
        startOp(intended); // behind schedule: send now, latency still counts from `intended`
      }
    }

    /** Open loop: a slot's send, handed to this loop by the pacer when due. */
    private final class Start implements Runnable {
      private final long intended;

      Start(long intended) {
        this.intended = intended;
      }

      @Override
      public void run() {
        if (pendingStart != null && pendingStart.task == this) { // not cancelled by a close
          pendingStart = null;
          startOp(intended);
        }
      }
    }

    private void startOp(long intended) {
      if (finished) {
        return;
      }
      if (interval > 0 && intended >= progress.deadline) {
        finish(); // a slot due after an early stop()
        return;
      }
      if (channel == null || !channel.isActive()) {
        if (interval > 0) {
          slot--; // the slot is taken again after the reconnect
        }
        reconnect();
        return;
      }
      op = source.next();
      opStart = intended;
      send(op.first());
      if (interval > 0 && intended >= progress.measureStart) {
        sendLag.recordValue(Math.min(Math.max(0, sentAt - intended), MAX_TRACKABLE_NANOS));
      }
    }

    private void send(Req next) {
      req = next;
      parser.collectBody(op.wantsBody());
      ByteBuf buf =
          next.body().length == 0
              ? Unpooled.wrappedBuffer(next.head())
              : Unpooled.wrappedBuffer(next.head(), next.body());
      sentAt = System.nanoTime();
      channel.writeAndFlush(buf, channel.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (ctx.channel() != channel) {
        ((ByteBuf) msg).release();
        return;
      }
      parser.feed((ByteBuf) msg, this);
    }

    @Override
    public boolean onResponse(int status, ByteBuf body, boolean keepAlive) {
      if (req == null) {
        return keepAlive; // an answer nobody asked for (after a timeout): ignore
      }
      long now = System.nanoTime();
      boolean measuring = opStart >= progress.measureStart;
      if (measuring && now <= progress.deadline) {
        measuredRequests++;
      }
      if (!req.ok(status)) {
        req = null;
        error("status " + status, now);
        return continueAfter(keepAlive);
      }
      Req next = op.next(status, body);
      if (next != null) {
        if (!keepAlive) {
          req = null;
          error("connection closed", now);
          return continueAfter(false);
        }
        send(next);
        return true;
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
      return continueAfter(keepAlive);
    }

    private boolean continueAfter(boolean keepAlive) {
      if (!keepAlive) {
        channel.close(); // channelInactive reconnects
        return false;
      }
      scheduleNext();
      return true;
    }

    private void checkTimeout() {
      if (req != null && System.nanoTime() - sentAt >= plan.timeoutNanos) {
        req = null;
        error("timeout", System.nanoTime());
        if (channel != null) {
          channel.close();
        }
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (ctx.channel() != channel) {
        return;
      }
      parser.closed(this);
      if (ctx.channel() != channel) {
        return; // the answer that ended with the close already moved on
      }
      if (pendingStart != null) {
        pacer.cancel(pendingStart);
        pendingStart = null;
        slot--; // the slot is taken again after the reconnect
      }
      if (req != null) {
        req = null;
        error("connection closed", System.nanoTime());
      }
      channel = null;
      if (!finished) {
        retryLater();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      String kind =
          cause instanceof ResponseParser.BadResponseException
              ? cause.getMessage()
              : cause.getClass().getSimpleName();
      if (ctx.channel() == channel) {
        parser.reset();
        if (req != null) {
          req = null;
          error(kind, System.nanoTime());
        }
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

    private void finish() {
      if (!finished) {
        finished = true;
        if (timeoutCheck != null) {
          timeoutCheck.cancel(false);
        }
        done.countDown();
      }
    }

    void closeQuietly() {
      finished = true;
      if (timeoutCheck != null) {
        timeoutCheck.cancel(false);
      }
      Channel c = channel;
      channel = null;
      if (c != null) {
        c.close();
      }
      parser.release();
    }
  }
}
