package dev.flarekv.server.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Knows every open connection and how many requests are in flight (request head received, final
 * response not yet written), so a shutdown can drain: stop accepting, close idle connections, let
 * running requests finish (their responses say {@code Connection: close} and the connection closes
 * after them), and only then stop the storage executor and close the store.
 *
 * <p>Sits right after the HTTP codec. Per-channel counts are touched only on the channel's event
 * loop.
 */
@ChannelHandler.Sharable
public final class ConnectionTracker extends ChannelDuplexHandler {
  private static final AttributeKey<int[]> PENDING = AttributeKey.valueOf("flarekv.pending");

  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean draining;

  /** Requests received whose final response is not written yet, over all connections. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Open connections. */
  public int connections() {
    return channels.size();
  }

  private static int[] pending(Channel ch) {
    int[] p = ch.attr(PENDING).get();
    if (p == null) {
      p = new int[1];
      ch.attr(PENDING).set(p);
    }
    return p;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channels.add(ctx.channel());
    if (draining) {
      ctx.close(); // accepted just before the listener closed
      return;
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      pending(ctx.channel())[0]++;
      inFlight.incrementAndGet();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse response
        && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
      boolean closeAfter = draining;
      if (closeAfter) {
        response.headers().set("connection", "close");
      }
      ctx.write(msg, promise)
          .addListener(
              f -> {
                int[] p = pending(ctx.channel());
                if (p[0] > 0) {
                  p[0]--;
                  inFlight.decrementAndGet();
                }
              });
      if (closeAfter) {
        promise.addListener(ChannelFutureListener.CLOSE);
      }
      return;
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    int[] p = pending(ctx.channel());
    if (p[0] > 0) {
      inFlight.addAndGet(-p[0]); // requests that will never get a response
      p[0] = 0;
    }
    ctx.fireChannelInactive();
  }

  /**
   * Starts draining (call after the listeners stopped accepting): from now on every response closes
   * its connection, and connections with nothing in flight are closed right away.
   */
  public void startDraining() {
    draining = true;
    for (Channel ch : channels) {
      ch.eventLoop()
          .execute(
              () -> {
                if (pending(ch)[0] == 0) {
                  ch.close();
                }
              });
    }
  }

  /** Waits until no request is in flight; false if {@code timeout} passed first. */
  public boolean awaitDrained(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight.get() > 0) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
    return true;
  }

  /** Closes every remaining connection and waits (bounded) for them to close. */
  public void closeAll() {
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
