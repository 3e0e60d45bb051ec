package dev.flarekv.bench.load;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.flarekv.protocol.client.KvClient;
import dev.flarekv.protocol.json.KvJson;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Creates the namespace and writes the keys a workload reads, before the timed run. */
public final class Preloader {
  /** Pairs per bulk request, and a bound on its body. */
  private static final int BULK_CHUNK = 10_000;

  private static final long BULK_CHUNK_BYTES = 32L * 1024 * 1024;

  private Preloader() {}

  /** Bulk-writes keys {@code 0..count-1} of the workload through the REST API. */
  public static void restBulk(
      KvClient client,
      String namespaceId,
      Workload workload,
      int count,
      int valueSize,
      PrintStream log) {
    String value = new String(Workload.value(valueSize), StandardCharsets.US_ASCII);
    long started = System.nanoTime();
    int i = 0;
    while (i < count) {
      ArrayNode items = KvJson.mapper().createArrayNode();
      long bytes = 0;
      while (i < count && items.size() < BULK_CHUNK && bytes < BULK_CHUNK_BYTES) {
        items.addObject().put("key", workload.key(i)).put("value", value);
        bytes += valueSize + 40;
        i++;
      }
      client.bulkPut(namespaceId, items);
      if (log != null && count >= 100_000 && i % 100_000 < BULK_CHUNK) {
        log.printf("preload: %,d / %,d keys%n", i, count);
      }
    }
    if (log != null) {
      log.printf(
          "preload: %,d keys of %,d B in %.1f s%n",
          count, valueSize, (System.nanoTime() - started) / 1e9);
    }
  }

  /** PUTs keys {@code 0..count-1} one by one to a plain HTTP service, a few at a time. */
  static void plainPuts(
      String baseUrl, Workload workload, int count, int valueSize, int parallel, PrintStream log)
      throws InterruptedException {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    String base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    byte[] value = Workload.value(valueSize);
    Semaphore slots = new Semaphore(Math.max(1, parallel));
    AtomicLong failures = new AtomicLong();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    long started = System.nanoTime();
    for (int i = 0; i < count; i++) {
      slots.acquire();
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(base + Surface.encode(workload.key(i))))
              .timeout(Duration.ofSeconds(30))
              .PUT(HttpRequest.BodyPublishers.ofByteArray(value))
              .build();
      CompletableFuture<HttpResponse<Void>> f =
          http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
      f.whenComplete(
          (response, error) -> {
            if (error != null || response.statusCode() / 100 != 2) {
              failures.incrementAndGet();
              firstFailure.compareAndSet(
                  null, error != null ? error.toString() : "status " + response.statusCode());
            }
            slots.release();
          });
    }
    if (!slots.tryAcquire(Math.max(1, parallel), 60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("preload did not finish within 60 s");
    }
    if (failures.get() > 0) {
      throw new IllegalStateException(
          "preload: " + failures.get() + " PUTs failed, first: " + firstFailure.get());
    }
    if (log != null) {
      log.printf(
          "preload: %,d keys of %,d B in %.1f s%n",
          count, valueSize, (System.nanoTime() - started) / 1e9);
    }
  }
}
