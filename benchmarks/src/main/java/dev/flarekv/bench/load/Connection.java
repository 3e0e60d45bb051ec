package dev.flarekv.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One keep-alive connection of a {@link LoadRunner} and its share of the schedule: it sends one
 * operation at a time, times it, counts its errors, reconnects after a failure and finishes at the
 * run's deadline. All its state lives on its event loop; the counters the runner sums at the end
 * are read under the connection's lock.
 */
final class Connection extends ChannelInboundHandlerAdapter implements ResponseParser.Listener {
  static final long MAX_TRACKABLE_NANOS = TimeUnit.SECONDS.toNanos(120);
  private static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
  private static final long RECONNECT_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final Bootstrap bootstrap;
  final EventLoop loop;
  private final LoadRunner.OpSource source;
  private final double interval;
  private final long firstIntended;
  private final Pacer pacer;
  private final CountDownLatch done;
  private final LoadRunner.Progress progress;
  private final long timeoutNanos;
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

  Connection(
      Bootstrap bootstrap,
      EventLoop loop,
      LoadRunner.OpSource source,
      double interval,
      long firstIntended,
      Pacer pacer,
      CountDownLatch done,
      LoadRunner.Progress progress,
      long timeoutNanos) {
    this.bootstrap = bootstrap.handler(this);
    this.loop = loop;
    this.source = source;
    this.interval = interval;
    this.firstIntended = firstIntended;
    this.pacer = pacer;
    this.done = done;
    this.progress = progress;
    this.timeoutNanos = timeoutNanos;
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
                      Math.min(TimeUnit.MILLISECONDS.toNanos(100), timeoutNanos / 10));
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
    if (req != null && System.nanoTime() - sentAt >= timeoutNanos) {
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
