package dev.flarekv.server.crash;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * When a cycle's SIGKILL lands: at a random moment, or just after a large writer has started a
 * namespace delete or a large bulk (put or delete), so that the kill hits it in flight.
 */
final class KillTrigger {
  /** What the kill waits for. */
  enum Mode {
    RANDOM,
    NAMESPACE_DELETE,
    LARGE_BULK
  }

  final Mode mode;
  private final CountDownLatch started = new CountDownLatch(1);
  private volatile String what;
  private volatile long expectedMillis;
  private volatile boolean armed;

  KillTrigger(Mode mode) {
    this.mode = mode;
  }

  /**
   * Called by a writer just before it sends a request of {@code kind}, which should take about
   * {@code expectedMillis} to be answered.
   */
  void sending(Mode kind, String what, long expectedMillis) {
    if (armed && kind == mode && started.getCount() > 0) {
      this.what = what;
      this.expectedMillis = expectedMillis;
      started.countDown();
    }
  }

  /**
   * Arms the trigger (requests sent before do not count) and waits until the awaited request is on
   * its way; false if none came in time.
   */
  boolean await(long seconds) throws InterruptedException {
    armed = true;
    return mode == Mode.RANDOM || started.await(seconds, TimeUnit.SECONDS);
  }

  /** How long to wait before the kill: up to 1.5 times the request's expected duration. */
  int delayMillis(java.util.Random random) {
    return random.nextInt((int) Math.max(2, expectedMillis * 3 / 2));
  }

  String what() {
    return what;
  }
}
