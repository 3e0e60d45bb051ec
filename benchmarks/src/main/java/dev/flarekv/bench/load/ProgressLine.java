package dev.flarekv.bench.load;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** A one-line progress bar on stderr, redrawn twice a second. */
final class ProgressLine {
  private final PrintStream err;
  private Thread thread;
  private volatile boolean running = true;

  ProgressLine(PrintStream err) {
    this.err = err;
  }

  void start(LoadRunner.Progress p) {
    thread =
        new Thread(
            () -> {
              long lastOps = 0;
              long lastAt = System.nanoTime();
              while (running) {
                try {
                  Thread.sleep(500);
                } catch (InterruptedException e) {
                  return;
                }
                long now = System.nanoTime();
                long ops = p.ops();
                double rate = (ops - lastOps) * 1e9 / Math.max(1, now - lastAt);
                lastOps = ops;
                lastAt = now;
                long total = p.deadline() - p.measureStart();
                long elapsed = Math.max(0, Math.min(total, now - p.measureStart()));
                int width = 30;
                int filled = (int) (width * elapsed / Math.max(1, total));
                String phase = now < p.measureStart() ? "warm-up " : "";
                err.printf(
                    Locale.ROOT,
                    "\r[%s%s] %s%5.1f/%.0f s %10.0f ops/s  %d errors   ",
                    "#".repeat(filled),
                    ".".repeat(width - filled),
                    phase,
                    elapsed / 1e9,
                    total / 1e9,
                    rate,
                    p.errors());
                err.flush();
              }
            },
            "flarekv-bench-progress");
    thread.setDaemon(true);
    thread.start();
  }

  void stop() throws InterruptedException {
    running = false;
    if (thread != null) {
      thread.interrupt();
      thread.join(TimeUnit.SECONDS.toMillis(1));
      err.print("\r" + " ".repeat(90) + "\r");
      err.flush();
    }
  }
}
