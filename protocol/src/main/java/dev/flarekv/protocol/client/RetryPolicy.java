package dev.flarekv.protocol.client;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * When {@link KvClient} sends a request again: after a 429 or a 5xx answer, or when the server
 * cannot be reached, up to {@code maxAttempts} tries in all. The wait before try {@code n + 1} is
 * {@code baseDelay * 2^(n-1)}, at most {@code maxDelay}; a {@code Retry-After} header in seconds
 * replaces it (also capped by {@code maxDelay}). Every request {@link KvClient} sends is safe to
 * repeat: reads, and writes that put or delete the same thing again.
 *
 * @param maxAttempts tries in all, at least 1 (1 means no retry)
 * @param baseDelay the wait after the first failed try
 * @param maxDelay the longest single wait
 * @param listener told of each retry before its wait, e.g. to count them
 */
public record RetryPolicy(
    int maxAttempts, Duration baseDelay, Duration maxDelay, Listener listener) {
  /** No retry: one try, its answer as it is. */
  public static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ZERO, Duration.ZERO, (attempt, status, wait) -> {});

  /** Hears about retries. */
  @FunctionalInterface
  public interface Listener {
    /**
     * @param attempt the try that failed (1 for the first)
     * @param status its HTTP status, or 0 when the server could not be reached
     * @param wait how long the client waits before the next try
     */
    void retrying(int attempt, int status, Duration wait);
  }

  /** One try of a request. */
  @FunctionalInterface
  interface Attempt<T> {
    HttpResponse<T> send() throws IOException, InterruptedException;
  }

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    Objects.requireNonNull(baseDelay, "baseDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    Objects.requireNonNull(listener, "listener");
  }

  /** Whether an answer with this status is worth another try. */
  public static boolean retryable(int status) {
    return status == 429 || status >= 500;
  }

  /** The wait after try {@code attempt} failed, given the answer's {@code Retry-After}. */
  Duration delay(int attempt, Optional<String> retryAfter) {
    Duration wait = null;
    if (retryAfter.isPresent()) {
      try {
        wait = Duration.ofSeconds(Math.max(0, Long.parseLong(retryAfter.get().strip())));
      } catch (NumberFormatException e) {
        wait = null; // an HTTP date: use the backoff
      }
    }
    if (wait == null) {
      int shift = Math.min(attempt - 1, 20);
      wait = baseDelay.multipliedBy(1L << shift);
    }
    return wait.compareTo(maxDelay) > 0 ? maxDelay : wait;
  }

  /** Sends with retries: the last answer, or the last connection failure. */
  <T> HttpResponse<T> send(Attempt<T> attempt) throws IOException, InterruptedException {
    for (int n = 1; ; n++) {
      HttpResponse<T> response;
      try {
        response = attempt.send();
      } catch (IOException e) {
        if (n >= maxAttempts) {
          throw e;
        }
        pause(n, 0, Optional.empty());
        continue;
      }
      if (n >= maxAttempts || !retryable(response.statusCode())) {
        return response;
      }
      pause(n, response.statusCode(), response.headers().firstValue("Retry-After"));
    }
  }

  private void pause(int attempt, int status, Optional<String> retryAfter)
      throws InterruptedException {
    Duration wait = delay(attempt, retryAfter);
    listener.retrying(attempt, status, wait);
    if (!wait.isZero()) {
      Thread.sleep(wait.toMillis());
    }
  }
}
