package dev.flarekv.storage.cassandra;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** Waiting on the driver's asynchronous results, and the engine's background timers. */
final class Async {
  private Async() {}

  /** The stage's result; a failure is rethrown as its own runtime exception, unwrapped. */
  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** Waits for every stage in order; the first failure is rethrown as {@link #await} does. */
  static void awaitAll(List<? extends CompletionStage<?>> stages) {
    for (CompletionStage<?> stage : stages) {
      await(stage);
    }
  }

  /** A one-thread scheduler on a daemon thread (its owner shuts it down when the store closes). */
  static ScheduledThreadPoolExecutor daemonTimer(String threadName) {
    return new ScheduledThreadPoolExecutor(
        1,
        r -> {
          Thread t = new Thread(r, threadName);
          t.setDaemon(true);
          return t;
        });
  }
}
