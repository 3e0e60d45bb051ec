package dev.flarekv.protocol.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.flarekv.protocol.error.KvException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  static RetryPolicy policy(int attempts, List<String> heard) {
    return new RetryPolicy(
        attempts,
        Duration.ofMillis(100),
        Duration.ofSeconds(1),
        (attempt, status, wait) -> heard.add(attempt + ":" + status + ":" + wait.toMillis()));
  }

  @Test
  void backoffDoubles_upToTheCap_andRetryAfterReplacesIt() {
    RetryPolicy p = policy(10, new ArrayList<>());
    assertThat(p.delay(1, Optional.empty())).isEqualTo(Duration.ofMillis(100));
    assertThat(p.delay(2, Optional.empty())).isEqualTo(Duration.ofMillis(200));
    assertThat(p.delay(4, Optional.empty())).isEqualTo(Duration.ofMillis(800));
    assertThat(p.delay(5, Optional.empty())).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.delay(60, Optional.empty())).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.delay(1, Optional.of("0"))).isEqualTo(Duration.ZERO);
    assertThat(p.delay(1, Optional.of("30"))).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.delay(3, Optional.of("Wed, 21 Oct 2015 07:28:00 GMT")))
        .isEqualTo(Duration.ofMillis(400));
    assertThat(RetryPolicy.retryable(429)).isTrue();
    assertThat(RetryPolicy.retryable(503)).isTrue();
    assertThat(RetryPolicy.retryable(401)).isFalse();
    assertThat(RetryPolicy.retryable(404)).isFalse();
  }

  /** A server that answers 429 (Retry-After: 0) {@code failures} times, then a key page. */
  @Test
  void kvClient_retries429_honouringRetryAfter_withinItsAttempts() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body;
          if (calls.incrementAndGet() <= 3) {
            exchange.getResponseHeaders().add("Retry-After", "0");
            body =
                "{\"success\":false,\"errors\":[{\"code\":10001,\"message\":\"slow down\"}]}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(429, body.length);
          } else {
            body =
                "{\"success\":true,\"result\":[{\"name\":\"a\"}],\"result_info\":{\"cursor\":\"\"}}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
          }
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/client/v4";
      List<String> heard = new ArrayList<>();
      KvClient client = new KvClient(base, "t", "acct").withRetries(policy(4, heard));
      assertThat(client.listKeys("ns", null, null, null).keys()).hasSize(1);
      assertThat(heard).containsExactly("1:429:0", "2:429:0", "3:429:0");

      calls.set(0);
      List<String> fewer = new ArrayList<>();
      KvClient limited = new KvClient(base, "t", "acct").withRetries(policy(2, fewer));
      assertThatThrownBy(() -> limited.listKeys("ns", null, null, null))
          .isInstanceOf(KvException.class)
          .hasMessageContaining("slow down");
      assertThat(fewer).containsExactly("1:429:0");
      assertThat(calls.get()).isEqualTo(2);
    } finally {
      server.stop(0);
    }
  }
}
