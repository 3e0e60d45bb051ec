package dev.flarekv.bench.scale;

import dev.flarekv.bench.load.LoadRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Polls the server's swept-keys counter on {@code /metrics}, notes when the sweep starts and ends,
 * and then ends the read run it watches (when given one).
 */
final class SweepWatch implements Runnable {
  private final SweptCounter counter;
  private final double from;
  private final double target;
  private final long instantNanos;
  private final LoadRunner runner;
  private final List<double[]> points = new ArrayList<>();
  private volatile boolean running = true;
  volatile long startNanos;
  volatile long endNanos;
  volatile double last;

  SweepWatch(SweptCounter counter, double from, double target, long instantNanos, LoadRunner r) {
    this.counter = counter;
    this.from = from;
    this.target = target;
    this.instantNanos = instantNanos;
    this.runner = r;
    this.last = from;
  }

  @Override
  public void run() {
    while (running) {
      try {
        double swept = counter.read();
        long now = System.nanoTime();
        last = swept;
        if (now >= instantNanos - TimeUnit.SECONDS.toNanos(1)) {
          synchronized (points) {
            points.add(new double[] {(now - instantNanos) / 1e9, swept - from});
          }
        }
        if (swept > from && startNanos == 0) {
          startNanos = now;
        }
        if (swept >= target && endNanos == 0) {
          endNanos = now;
          runner.stop();
          return;
        }
      } catch (Exception e) {
        // a missed poll only coarsens the timing; the run's own time limit still holds
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Runs this watch on a new daemon thread of that name, and returns the thread. */
  Thread start(String name) {
    Thread thread = new Thread(this, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  void stop() {
    running = false;
  }

  List<double[]> timeline() {
    synchronized (points) {
      return List.copyOf(points);
    }
  }
}
