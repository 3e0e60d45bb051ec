package dev.flarekv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.server.testkit.RawHttp;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.storage.testkit.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ServerConfig#requestReadTimeout()}: a request dribbled in byte by byte (each pause well
 * under the idle timeout, so only this timeout can end it) is answered 408 in the listener's error
 * form and the connection closed; a slow request that completes in time, and time spent idle
 * between requests, are fine.
 */
class RequestReadTimeoutTest {
  static final String AUTH = "Authorization: Bearer " + TestServer.TOKEN + "\r\n";

  /** Pause between two bytes of a slow client: far under the idle timeout of these servers. */
  static final long BYTE_PAUSE_MILLIS = 50;

  @TempDir Path dir;
  TestServer server;

  TestServer start(Duration readTimeout) {
    UnaryOperator<ServerConfig> tweak =
        c -> c.withRequestReadTimeout(readTimeout).withIdleTimeout(Duration.ofSeconds(30));
    server =
        TestServer.start(
            dir, List.of(TestServer.TOKEN), new MutableClock(TestServer.NOW_SECONDS * 1000), tweak);
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void defaultIs60Seconds_andNonPositiveIsRefused() {
    assertThat(ServerConfig.defaults().requestReadTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThatThrownBy(() -> ServerConfig.defaults().withRequestReadTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerConfig.defaults().withRequestReadTimeout(null))
        .isInstanceOf(NullPointerException.class);
  }

  /**
   * Sends {@code prefix} at once, then {@code slow} one byte at a time with a pause after each, on
   * another thread, until the bytes run out or the server has closed the connection.
   */
  static Thread dribble(RawHttp http, String prefix, String slow) throws IOException {
    http.write(prefix);
    byte[] bytes = slow.getBytes(StandardCharsets.ISO_8859_1);
    Thread t =
        new Thread(
            () -> {
              try {
                for (byte b : bytes) {
                  http.write(new byte[] {b});
                  Thread.sleep(BYTE_PAUSE_MILLIS);
                }
              } catch (IOException | InterruptedException e) {
                // the server closed the connection: the scenario is over
              }
            },
            "slow-client");
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test
  void headDribbledByteByByte_isAnswered408AndClosed_onBothListeners() throws Exception {
    start(Duration.ofMillis(500));
    String pad = "X-Pad: " + "a".repeat(2000) + "\r\n\r\n"; // 100 s at one byte per pause
    try (RawHttp http = new RawHttp(server.port())) {
      Thread client = dribble(http, "G", "ET /healthz HTTP/1.1\r\nHost: x\r\n" + pad);
      RawHttp.Response r = http.read();
      assertThat(r).isNotNull();
      assertThat(r.status()).isEqualTo(408);
      assertThat(r.text())
          .contains("\"success\":false")
          .contains("\"code\":10001")
          .contains("Request not received in time")
          .contains("within 500 ms of its first byte");
      assertThat(r.headers()).contains("connection: close");
      assertThat(http.closedByServer(15_000)).isTrue();
      client.join(TimeUnit.SECONDS.toMillis(30));
    }
    try (RawHttp http = new RawHttp(server.bindingPort())) {
      Thread client = dribble(http, "G", "ET /k HTTP/1.1\r\nHost: x\r\n" + pad);
      RawHttp.Response r = http.read();
      assertThat(r).isNotNull();
      assertThat(r.status()).isEqualTo(408);
      assertThat(r.reason()).contains("Request not received in time");
      assertThat(r.text()).doesNotContain("\"success\"");
      assertThat(http.closedByServer(15_000)).isTrue();
      client.join(TimeUnit.SECONDS.toMillis(30));
    }
  }

  @Test
  void bodyDribbledByteByByte_isAnswered408AndClosed_andNothingIsWritten() throws Exception {
    start(Duration.ofMillis(500));
    String nsId = server.createNamespace("slow");
    String path = TestServer.ns(nsId) + "/values/slow-key";
    try (RawHttp http = new RawHttp(server.port())) {
      String head =
          "PUT " + path + " HTTP/1.1\r\nHost: x\r\n" + AUTH + "Content-Length: 2000\r\n\r\n";
      Thread client = dribble(http, head, "b".repeat(2000));
      RawHttp.Response r = http.read();
      assertThat(r).isNotNull();
      assertThat(r.status()).isEqualTo(408);
      assertThat(r.text()).contains("Request not received in time");
      assertThat(http.closedByServer(15_000)).isTrue();
      client.join(TimeUnit.SECONDS.toMillis(30));
    }
    assertThat(server.get(path).status()).isEqualTo(404);
  }

  @Test
  void requestAnsweredFromItsHead_isNotAnsweredTwice() throws Exception {
    start(Duration.ofMillis(500));
    // a namespace create may carry 1 MiB: this one is refused from its head (413, connection kept
    // for the body to be dropped), then its body dribbles in
    String head =
        "POST "
            + TestServer.ns()
            + " HTTP/1.1\r\nHost: x\r\n"
            + AUTH
            + "Content-Length: 2000000\r\n\r\n";
    try (RawHttp http = new RawHttp(server.port())) {
      Thread client = dribble(http, head, "b".repeat(2000));
      RawHttp.Response r = http.read();
      assertThat(r.status()).isEqualTo(413);
      // EOF, or a reset when the dribbling client's next byte meets the closed socket first
      assertThat(http.closedByServer(15_000)).as("no second reply, just the close").isTrue();
      client.join(TimeUnit.SECONDS.toMillis(30));
    }
  }

  @Test
  void pipelinedRequestsBeforeTheSlowOne_areAnsweredFirst() throws Exception {
    start(Duration.ofMillis(500));
    String fast = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    try (RawHttp http = new RawHttp(server.port())) {
      Thread client =
          dribble(
              http,
              fast + fast + "G",
              "ET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(2000) + "\r\n\r\n");
      assertThat(http.read().status()).isEqualTo(200);
      assertThat(http.read().status()).isEqualTo(200);
      assertThat(http.read().status()).isEqualTo(408);
      assertThat(http.closedByServer(15_000)).isTrue();
      client.join(TimeUnit.SECONDS.toMillis(30));
    }
  }

  @Test
  void slowRequestCompletingInTime_succeeds_onBothListeners() throws Exception {
    start(Duration.ofSeconds(30));
    String nsId = server.createNamespace("patient");
    String body = "slow but sure";
    String put =
        "PUT "
            + TestServer.ns(nsId)
            + "/values/k HTTP/1.1\r\nHost: x\r\n"
            + AUTH
            + "Content-Length: "
            + body.length()
            + "\r\n\r\n"
            + body;
    try (RawHttp http = new RawHttp(server.port())) {
      dribble(http, "P", put.substring(1, 40)).join(TimeUnit.SECONDS.toMillis(60));
      http.write(put.substring(40, put.length() - 5));
      dribble(http, "", put.substring(put.length() - 5)).join(TimeUnit.SECONDS.toMillis(60));
      RawHttp.Response r = http.read();
      assertThat(r.status()).as(r.text()).isEqualTo(200);
    }
    String get =
        "GET /k HTTP/1.1\r\nHost: x\r\n" + AUTH + "X-Flarekv-Namespace: " + nsId + "\r\n\r\n";
    try (RawHttp http = new RawHttp(server.bindingPort())) {
      dribble(http, "G", get.substring(1, 30)).join(TimeUnit.SECONDS.toMillis(60));
      http.write(get.substring(30));
      RawHttp.Response r = http.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo(body);
    }
  }

  @Test
  void timeIdleBeforeAndBetweenRequests_doesNotCount() throws Exception {
    start(Duration.ofMillis(300));
    String request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    try (RawHttp http = new RawHttp(server.port())) {
      // the scenario: a client that connects early and comes back later, each time well past the
      // read timeout but inside the idle timeout; each request is sent whole
      Thread.sleep(1_000);
      http.write(request);
      assertThat(http.read().status()).isEqualTo(200);
      Thread.sleep(1_000);
      http.write(request);
      assertThat(http.read().status()).isEqualTo(200);
    }
  }
}
