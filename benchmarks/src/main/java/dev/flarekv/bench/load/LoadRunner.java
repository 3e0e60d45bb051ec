package dev.flarekv.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
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

  private static final long MAX_TRACKABLE_NANOS = Connection.MAX_TRACKABLE_NANOS;

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

  private final LoadPlan plan;
  private final Progress progress = new Progress();
  private final LongFunction<OpSource> sources;

  /** Runs the plan's workload. */
  public LoadRunner(LoadPlan plan) {
    this.plan = plan;
    Workload.Shared shared = plan.workload().shared(plan);
    this.sources = seed -> plan.workload().source(shared, seed);
  }

  /**
   * Runs the plan's schedule (connections, timing, rate) with other operations: {@code sources}
   * gets a seed per connection and returns that connection's operations. The plan's workload is
   * then only a label.
   */
  public LoadRunner(LoadPlan plan, LongFunction<OpSource> sources) {
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
            plan.threads(), epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    List<Connection> conns = new ArrayList<>();
    Pacer pacer = plan.rate() > 0 ? (epoll ? Pacer.onLoops() : Pacer.ownThread()) : null;
    try {
      long start = System.nanoTime();
      synchronized (progress) {
        progress.measureStart = start + plan.warmupNanos();
        progress.deadline = progress.measureStart + plan.durationNanos();
      }
      CountDownLatch done = new CountDownLatch(plan.connections());
      Bootstrap bootstrap =
          new Bootstrap()
              .group(group)
              .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .option(ChannelOption.SO_KEEPALIVE, true)
              .option(
                  ChannelOption.CONNECT_TIMEOUT_MILLIS,
                  (int)
                      Math.min(
                          Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(plan.timeoutNanos())))
              .remoteAddress(plan.host(), plan.port());
      double perConnInterval = plan.rate() > 0 ? plan.connections() * 1e9 / plan.rate() : 0;
      for (int i = 0; i < plan.connections(); i++) {
        long firstIntended = start + (long) (perConnInterval * i / plan.connections());
        EventLoop loop = group.next(); // round robin: connections spread evenly over the loops
        Connection conn =
            new Connection(
                bootstrap.clone(loop),
                loop,
                sources.apply(0x5eedL * (i + 1)),
                perConnInterval,
                firstIntended,
                pacer,
                done,
                progress,
                plan.timeoutNanos());
        conns.add(conn);
      }
      onStart.accept(progress);
      conns.forEach(Connection::connect);
      // every request has a timeout, so the connections finish soon after the deadline; the bound
      // here only guards against a bug
      long bound = progress.deadline + plan.timeoutNanos() + TimeUnit.SECONDS.toNanos(5);
      boolean finished = done.await(Math.max(0, bound - System.nanoTime()), TimeUnit.NANOSECONDS);
      long end = System.nanoTime();
      for (Connection conn : conns) {
        conn.loop.execute(conn::closeQuietly);
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
      Histogram histogram = new Histogram(MAX_TRACKABLE_NANOS, 3);
      Histogram sendLag = new Histogram(MAX_TRACKABLE_NANOS, 3);
      Map<String, Long> errorKinds = new TreeMap<>();
      long ops = 0;
      long requests = 0;
      long errors = 0;
      for (Connection conn : conns) {
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
          ops, requests, errors, errorKinds, histogram, plan.rate() > 0 ? sendLag : null, measured);
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
}
