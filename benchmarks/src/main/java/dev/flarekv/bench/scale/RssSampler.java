package dev.flarekv.bench.scale;

import java.util.ArrayList;
import java.util.List;

/** Reads a process's VmRSS/VmHWM at a fixed interval on a daemon thread, labelled by phase. */
final class RssSampler implements AutoCloseable {
  /** One reading; {@code seconds} since the sampler started. */
  record Sample(double seconds, String phase, double rssMib, double hwmMib) {}

  private final long pid;
  private final long intervalMillis;
  private final long started = System.nanoTime();
  private final List<Sample> samples = new ArrayList<>();
  private final Thread thread;
  private volatile String phase = "idle";
  private volatile boolean running = true;

  RssSampler(long pid, long intervalMillis) {
    this.pid = pid;
    this.intervalMillis = intervalMillis;
    this.thread = new Thread(this::loop, "flarekv-bench-rss");
    thread.setDaemon(true);
  }

  void start() {
    sample();
    thread.start();
  }

  void phase(String name) {
    this.phase = name;
    sample();
  }

  /** Takes one reading now and returns it (null when /proc could not be read). */
  Sample sample() {
    try {
      ProcStatus s = ProcStatus.read(pid);
      Sample sample =
          new Sample((System.nanoTime() - started) / 1e9, phase, s.rssMib(), s.hwmMib());
      synchronized (samples) {
        samples.add(sample);
      }
      return sample;
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  private void loop() {
    while (running) {
      try {
        Thread.sleep(intervalMillis);
      } catch (InterruptedException e) {
        return;
      }
      sample();
    }
  }

  List<Sample> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
