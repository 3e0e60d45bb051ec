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
  private volatile boolean armed;

  KillTrigger(Mode mode) {
    this.mode = mode;
  }

  /** Called by a writer just before it sends a request of {@code kind}. */
  void sending(Mode kind, String what) {
    if (armed && kind == mode && started.getCount() > 0) {
      this.what = what;
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

  String what() {
    return what;
  }
}
