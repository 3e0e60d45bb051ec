package dev.flarekv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.server.testkit.RawHttp;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.storage.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ServerConfig#idleTimeout()} closes silent and stalled connections on both listeners. */
class IdleTimeoutTest {
  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server =
        TestServer.start(
            dir,
            List.of(TestServer.TOKEN),
            new MutableClock(TestServer.NOW_SECONDS * 1000),
            c -> c.withIdleTimeout(Duration.ofMillis(300)));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void defaultIs120Seconds_andNonPositiveIsRefused() {
    assertThat(ServerConfig.defaults().idleTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThatThrownBy(() -> ServerConfig.defaults().withIdleTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerConfig.defaults().withIdleTimeout(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void silentConnection_isClosed() throws Exception {
    for (int port : List.of(server.port(), server.bindingPort())) {
      try (RawHttp raw = new RawHttp(port)) {
        assertThat(raw.closedByServer(5_000)).as("port %d", port).isTrue();
      }
    }
  }

  @Test
  void stalledHeadOrBody_isClosed() throws Exception {
    for (int port : List.of(server.port(), server.bindingPort())) {
      try (RawHttp raw = new RawHttp(port)) {
        raw.write("GET /healthz HTTP/1.1\r\nHost: x\r\n"); // head never finished
        assertThat(raw.closedByServer(5_000)).as("head, port %d", port).isTrue();
      }
      try (RawHttp raw = new RawHttp(port)) {
        raw.write("PUT /k HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
        assertThat(raw.closedByServer(5_000)).as("body, port %d", port).isTrue();
      }
    }
  }

  @Test
  void keepAliveConnection_servesThenTimesOut() throws Exception {
    try (RawHttp raw = new RawHttp(server.port())) {
      raw.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(raw.read().status()).isEqualTo(200);
      // the same connection serves a second request (no pause: any pause guesses the machine's
      // pace against the 300 ms idle timeout), then idles out
      raw.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(raw.read().status()).isEqualTo(200);
      assertThat(raw.closedByServer(5_000)).isTrue();
    }
  }
}
