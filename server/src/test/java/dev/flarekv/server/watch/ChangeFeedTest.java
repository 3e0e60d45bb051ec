package dev.flarekv.server.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.auth.ScopedToken;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.storage.testkit.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The change feed over real HTTP: REST and binding writes, prefixes, expiry, slow watchers. */
class ChangeFeedTest {
  static final String SCOPED = "scoped-other-8f14e45fceea167a";

  @TempDir Path dir;
  TestServer server;
  String nsId;
  final HttpClient http = HttpClient.newHttpClient();
  final List<Stream<String>> open = new ArrayList<>();

  @BeforeEach
  void start() {
    server =
        TestServer.start(
            dir,
            List.of(TestServer.TOKEN),
            new MutableClock(TestServer.NOW_SECONDS * 1000),
            c -> c.withScopedTokens(List.of(new ScopedToken(SCOPED, List.of("other-acct")))));
    nsId = server.createNamespace("watched");
  }

  @AfterEach
  void stop() {
    open.forEach(Stream::close);
    server.close();
  }

  /** An open watch: its SSE frames ({@code event} + parsed {@code data}) as they arrive. */
  record Watch(BlockingQueue<JsonNode> frames, HttpResponse<Stream<String>> response) {
    JsonNode next() throws InterruptedException {
      JsonNode f = frames.poll(60, TimeUnit.SECONDS);
      assertThat(f).as("an event within 60 s").isNotNull();
      return f;
    }
  }

  HttpResponse<Stream<String>> request(String query, String token)
      throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(
                URI.create(server.origin() + "/flarekv/v1/namespaces/" + nsId + "/watch" + query))
            .header("Authorization", "Bearer " + token)
            .build();
    HttpResponse<Stream<String>> r = http.send(req, HttpResponse.BodyHandlers.ofLines());
    open.add(r.body());
    return r;
  }

  Watch watch(String query) throws Exception {
    HttpResponse<Stream<String>> r = request(query, TestServer.TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              AtomicReference<String> event = new AtomicReference<>();
              try {
                r.body()
                    .forEach(
                        line -> {
                          if (line.startsWith("event: ")) {
                            event.set(line.substring(7));
                          } else if (line.startsWith("data: ")) {
                            JsonNode data =
                                KvJson.parse(line.substring(6).getBytes(StandardCharsets.UTF_8));
                            frames.add(
                                KvJson.mapper()
                                    .createObjectNode()
                                    .put("event", event.get())
                                    .set("data", data));
                          }
                        });
              } catch (RuntimeException closed) {
                // the test closed the stream
              }
            });
    reader.setDaemon(true);
    reader.start();
    return new Watch(frames, r);
  }

  String values(String key) {
    return TestServer.ns(nsId) + "/values/" + key;
  }

  @Test
  void restAndBindingWritesArriveInOrderWithTheirFields() throws Exception {
    Watch w = watch("");
    assertThat(
            server
                .put(values("a") + "?expiration=" + (TestServer.NOW_SECONDS + 3600), "hello")
                .status())
        .isEqualTo(200);
    assertThat(
            server
                .binding(
                    "PUT",
                    "/b?urlencoded=true",
                    HttpRequest.BodyPublishers.ofString("xyz"),
                    "Authorization",
                    "Bearer " + TestServer.TOKEN,
                    "X-Flarekv-Namespace",
                    nsId,
                    "CF-KV-Metadata",
                    "{\"by\":\"binding\"}")
                .status())
        .isEqualTo(200);
    assertThat(
            server
                .binding(
                    "DELETE",
                    "/b?urlencoded=true",
                    HttpRequest.BodyPublishers.noBody(),
                    "Authorization",
                    "Bearer " + TestServer.TOKEN,
                    "X-Flarekv-Namespace",
                    nsId)
                .status())
        .isEqualTo(200);
    assertThat(server.delete(values("a")).status()).isEqualTo(200);

    JsonNode put = w.next();
    assertThat(put.path("event").asText()).isEqualTo("put");
    assertThat(put.path("data").path("key").asText()).isEqualTo("a");
    assertThat(put.path("data").path("size").asInt()).isEqualTo(5);
    assertThat(put.path("data").path("expiration").asLong())
        .isEqualTo(TestServer.NOW_SECONDS + 3600);
    assertThat(put.path("data").path("time").asText()).isEqualTo("2023-11-14T22:13:20Z");
    JsonNode bput = w.next();
    assertThat(bput.path("data").path("key").asText()).isEqualTo("b");
    assertThat(bput.path("data").path("size").asInt()).isEqualTo(3);
    assertThat(bput.path("data").path("metadata").path("by").asText()).isEqualTo("binding");
    JsonNode bdel = w.next();
    assertThat(bdel.path("event").asText()).isEqualTo("delete");
    assertThat(bdel.path("data").path("key").asText()).isEqualTo("b");
    JsonNode adel = w.next();
    assertThat(adel.path("event").asText()).isEqualTo("delete");
    assertThat(adel.path("data").path("key").asText()).isEqualTo("a");
  }

  @Test
  void prefixFiltersKeys() throws Exception {
    Watch w = watch("?prefix=user%3A");
    server.put(values("other"), "x");
    server.put(values("user%3A1"), "x");
    JsonNode first = w.next();
    assertThat(first.path("data").path("key").asText()).isEqualTo("user:1");
    assertThat(w.frames().poll()).isNull();
  }

  @Test
  void expiryIsReportedAfterTheClockMovesAndASweep() throws Exception {
    Watch w = watch("");
    server.put(values("ttl") + "?expiration=" + (TestServer.NOW_SECONDS + 120), "x");
    assertThat(w.next().path("event").asText()).isEqualTo("put");
    server.clock().advanceSeconds(300);
    server.server().store().sweepExpired(1000); // the sweeper also runs on its own
    JsonNode expired = w.next();
    assertThat(expired.path("event").asText()).isEqualTo("expire");
    assertThat(expired.path("data").path("key").asText()).isEqualTo("ttl");
    assertThat(expired.path("data").path("expiration").asLong())
        .isEqualTo(TestServer.NOW_SECONDS + 120);
  }

  @Test
  void aWatcherThatDoesNotReadNeverSlowsWritersAndIsToldWhatItLost() throws Exception {
    try (java.net.Socket raw = new java.net.Socket()) {
      raw.setReceiveBufferSize(4096);
      raw.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
      raw.getOutputStream()
          .write(
              ("GET /flarekv/v1/namespaces/"
                      + nsId
                      + "/watch HTTP/1.1\r\nHost: x\r\n"
                      + "Authorization: Bearer "
                      + TestServer.TOKEN
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      await(() -> server.server().changeFeed().watchers() == 1);
      String meta = "{\"pad\":\"" + "m".repeat(1000) + "\"}";
      int writes = 0;
      for (int round = 0; round < 10; round++) { // 10,000 changes of ~1.2 KB: far past any buffer
        StringBuilder bulk = new StringBuilder("[");
        for (int i = 0; i < 1000; i++, writes++) {
          bulk.append(i == 0 ? "" : ",")
              .append("{\"key\":\"k")
              .append(writes)
              .append("\",\"value\":\"v\",\"metadata\":")
              .append(meta)
              .append('}');
        }
        assertThat(
                server.putJson(TestServer.ns(nsId) + "/bulk", bulk.append(']').toString()).status())
            .isEqualTo(200); // writers complete although nobody reads
      }
      // now read: the events that fit, then a dropped count; together they account for every write
      java.io.BufferedReader in =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(raw.getInputStream(), StandardCharsets.UTF_8));
      long events = 0;
      long dropped = 0;
      String event = null;
      String line;
      while (events + dropped < writes && (line = in.readLine()) != null) {
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          if ("dropped".equals(event)) {
            dropped +=
                KvJson.parse(line.substring(6).getBytes(StandardCharsets.UTF_8))
                    .path("count")
                    .asLong();
          } else {
            events++;
          }
        }
      }
      assertThat(dropped).as("dropped").isPositive();
      assertThat(events + dropped).isEqualTo(writes);
    }
    await(() -> server.server().changeFeed().watchers() == 0);
  }

  @Test
  void disconnectReleasesTheWatcher() throws Exception {
    HttpResponse<Stream<String>> r = request("", TestServer.TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    await(() -> server.server().changeFeed().watchers() == 1);
    r.body().close(); // the client hangs up
    await(() -> server.server().changeFeed().watchers() == 0);
    assertThat(server.put(values("after"), "x").status()).isEqualTo(200);
  }

  @Test
  void shutdownEndsTheStream() throws Exception {
    HttpResponse<Stream<String>> r = request("", TestServer.TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    await(() -> server.server().changeFeed().watchers() == 1);
    server.server().close(Duration.ofSeconds(5));
    try {
      assertThat(r.body().filter(l -> l.startsWith("event:")).count()).isZero(); // it ends
    } catch (java.io.UncheckedIOException cut) {
      // or is cut: the server closes the connection without a last chunk
    }
    assertThat(server.server().changeFeed().watchers()).isZero();
  }

  @Test
  void unknownNamespaceAndOtherAccountsTokenGet404() throws Exception {
    nsId = "0123456789abcdef0123456789abcdef";
    HttpResponse<Stream<String>> unknown = request("", TestServer.TOKEN);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(String.join("", unknown.body().toList())).contains("10013");
    nsId = server.createNamespace("mine");
    HttpResponse<Stream<String>> scoped = request("", SCOPED);
    assertThat(scoped.statusCode()).isEqualTo(404);
    assertThat(server.server().changeFeed().watchers()).isZero();
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 60 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
