package dev.flarekv.server.testkit;

import java.util.function.BooleanSupplier;

/** Waits on a state instead of guessing how long it takes to come. */
public final class Await {
  private Await() {}

  /** Polls {@code condition} every 50 ms for up to 60 s, failing with {@code what} after that. */
  public static void until(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 60 s: " + what);
      }
      Thread.sleep(50);
    }
  }
}
