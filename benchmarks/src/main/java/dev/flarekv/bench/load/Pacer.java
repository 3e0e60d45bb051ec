package dev.flarekv.bench.load;

import io.netty.channel.EventLoop;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Releases the open loop's sends at their intended times, in one of two ways:
 *
 * <ul>
 *   <li>{@link #onLoops()}: on the connection's own event loop timer. Used with the epoll
 *       transport, whose loop sleeps on a timerfd armed to the nanosecond, so a send leaves within
 *       microseconds of its time and costs no extra thread wake-up.
 *   <li>{@link #ownThread()}: Netty's NIO event loop sleeps in {@code epoll_wait} with a timeout
 *       rounded <i>up</i> to whole milliseconds, so a send scheduled on it would leave on average
 *       ~0.5 ms late, and since open-loop latency counts from the intended time that lateness would
 *       be charged to the server. One thread parked on a {@link DelayQueue} (park precision: tens
 *       of microseconds) hands each due slot to its connection's event loop instead, at the price
 *       of a second thread wake-up per send.
 * </ul>
 *
 * Only the open loop uses it; the closed loop sends straight from the answer's handler.
 */
final class Pacer implements AutoCloseable {
  /** A send due at {@code at} (System.nanoTime), run on {@code loop} when due. */
  static final class Slot implements Delayed {
    final long at;
    final Runnable task;
    final EventLoop loop;
    private ScheduledFuture<?> timer; // onLoops only

    Slot(long at, Runnable task, EventLoop loop) {
      this.at = at;
      this.task = task;
      this.loop = loop;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(at - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(at, ((Slot) o).at);
    }
  }

  private final DelayQueue<Slot> queue; // ownThread only
  private final Thread thread; // ownThread only
  private volatile boolean running = true;

  private Pacer(boolean ownThread) {
    if (ownThread) {
      queue = new DelayQueue<>();
      thread = new Thread(this::run, "flarekv-bench-pacer");
      thread.setDaemon(true);
      thread.setPriority(Thread.MAX_PRIORITY);
      thread.start();
    } else {
      queue = null;
      thread = null;
    }
  }

  /** Sends leave from the event loops' own timers (precise with epoll). */
  static Pacer onLoops() {
    return new Pacer(false);
  }

  /** Sends are released by a pacer thread (for NIO, whose timers round up to milliseconds). */
  static Pacer ownThread() {
    return new Pacer(true);
  }

  /** Runs {@code task} on {@code loop} at {@code at}; returns the slot, for {@link #cancel}. */
  Slot schedule(long at, Runnable task, EventLoop loop) {
    Slot s = new Slot(at, task, loop);
    if (queue == null) {
      s.timer = loop.schedule(task, at - System.nanoTime(), TimeUnit.NANOSECONDS);
    } else {
      queue.add(s);
    }
    return s;
  }

  /** Best effort: the slot may already be on its way to the loop (the task must check). */
  void cancel(Slot slot) {
    if (slot.timer != null) {
      slot.timer.cancel(false);
    } else if (queue != null) {
      queue.remove(slot);
    }
  }

  private void run() {
    while (running) {
      Slot s;
      try {
        s = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        s.loop.execute(s.task);
      } catch (RejectedExecutionException e) {
        // the run is over and the loop shut down
      }
    }
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
