package dev.flarekv.bench.load;

import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Releases the open loop's sends at their intended times. Netty's NIO event loop sleeps in {@code
 * epoll_wait} with a timeout rounded <i>up</i> to whole milliseconds, so a send scheduled on it
 * leaves on average ~0.5 ms (up to 1 ms) late, and since open-loop latency counts from the intended
 * time that lateness was charged to the server. One thread parked on a {@link DelayQueue} (park
 * precision: tens of microseconds) hands each due slot to its connection's event loop instead. Only
 * the open loop uses it; the closed loop sends straight from the answer's handler.
 */
final class Pacer implements AutoCloseable {
  /** A send due at {@code at} (System.nanoTime), run on {@code loop} when due. */
  static final class Slot implements Delayed {
    final long at;
    final Runnable task;
    final Executor loop;

    Slot(long at, Runnable task, Executor loop) {
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

  private final DelayQueue<Slot> queue = new DelayQueue<>();
  private final Thread thread;
  private volatile boolean running = true;

  Pacer() {
    thread = new Thread(this::run, "flarekv-bench-pacer");
    thread.setDaemon(true);
    thread.setPriority(Thread.MAX_PRIORITY);
    thread.start();
  }

  /** Runs {@code task} on {@code loop} at {@code at}; returns the slot, for {@link #cancel}. */
  Slot schedule(long at, Runnable task, Executor loop) {
    Slot s = new Slot(at, task, loop);
    queue.add(s);
    return s;
  }

  /** Best effort: the slot may already be on its way to the loop (the task must check). */
  void cancel(Slot slot) {
    queue.remove(slot);
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
    thread.interrupt();
  }
}
