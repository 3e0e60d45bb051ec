package dev.flarekv.bench.scale;

import dev.flarekv.bench.cli.Target;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The server's count of expired keys its sweeper removed ({@code flarekv_store_expired_swept_total}
 * on {@code /metrics}), read over its own HTTP client with the target's bearer token when there is
 * one (a server with tokens needs it).
 */
final class SweptCounter {
  private final HttpClient http;
  private final HttpRequest metrics;

  SweptCounter(Target target) {
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(target.base().resolve("/metrics"))
            .timeout(Duration.ofSeconds(5))
            .GET();
    if (target.token() != null) {
      b.header("Authorization", "Bearer " + target.token());
    }
    this.metrics = b.build();
  }

  /** The counter now: the sum over its series, 0 when the server shows none yet. */
  double read() throws Exception {
    HttpResponse<String> r = http.send(metrics, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + metrics.uri() + ": status " + r.statusCode());
    }
    return PromText.sum(r.body(), "flarekv_store_expired_swept_total").orElse(0);
  }
}
