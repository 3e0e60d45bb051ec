package dev.flarekv.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.flarekv.bench.cli.Target;
import dev.flarekv.bench.load.Surface;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The swept-keys counter, read from a real {@code /metrics} endpoint on loopback. */
class SweptCounterTest {
  private final AtomicInteger status = new AtomicInteger(200);
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/metrics",
        exchange -> {
          authorizations.add(
              String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          byte[] body =
              ("flarekv_store_expired_swept_total{store=\"rocks\"} 30.0\n"
                      + "flarekv_store_expired_swept_total{store=\"memory\"} 12\n")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status.get(), body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private Target target(String token) {
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/client/v4");
    return new Target(Surface.REST, base, "127.0.0.1", 1, token, "acct", base.toString());
  }

  @Test
  void read_sumsTheCounterAtTheServerRootWithTheToken() throws Exception {
    assertThat(new SweptCounter(target("s3cret")).read()).isEqualTo(42.0);
    assertThat(new SweptCounter(target(null)).read()).isEqualTo(42.0);

    assertThat(authorizations).containsExactly("Bearer s3cret", "null");
  }

  @Test
  void read_failsOnAnErrorStatus() {
    status.set(401);

    assertThatThrownBy(() -> new SweptCounter(target(null)).read())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageEndingWith("/metrics: status 401");
  }
}
