package dev.flarekv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.server.testkit.RawHttp;
import dev.flarekv.server.testkit.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTTP/1.1 pipelining on both listeners: however many requests a client sends at once, every one is
 * answered, in order, on the same connection; a PUT earlier in the burst is visible to a GET later
 * in it. A client that does not read its replies is slowed down (the server stops reading), not cut
 * off.
 */
class PipeliningTest {
  static final String AUTH = "Authorization: Bearer " + TestServer.TOKEN + "\r\n";

  @TempDir Path dir;
  TestServer server;
  String nsId;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    nsId = server.createNamespace("pipelining");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** One request of a burst and what its reply must be: status and, for a GET, the body. */
  record Step(byte[] bytes, int status, String body) {}

  /** A surface: how to write a PUT and a GET of a key, and what a PUT answers. */
  interface Surface {
    String put(String key, String value);

    String get(String key);

    int port();
  }

  Surface rest() {
    String base = TestServer.ns(nsId) + "/values/";
    return new Surface() {
      @Override
      public String put(String key, String value) {
        return "PUT " + base + key + " HTTP/1.1\r\nHost: x\r\n" + AUTH + length(value) + value;
      }

      @Override
      public String get(String key) {
        return "GET " + base + key + " HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n";
      }

      @Override
      public int port() {
        return server.port();
      }
    };
  }

  Surface binding() {
    String headers = "HTTP/1.1\r\nHost: x\r\n" + AUTH + "X-Flarekv-Namespace: " + nsId + "\r\n";
    return new Surface() {
      @Override
      public String put(String key, String value) {
        return "PUT /" + key + "?urlencoded=true " + headers + length(value) + value;
      }

      @Override
      public String get(String key) {
        return "GET /" + key + "?urlencoded=true " + headers + "\r\n";
      }

      @Override
      public int port() {
        return server.bindingPort();
      }
    };
  }

  static String length(String body) {
    return "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n";
  }

  /**
   * {@code n} requests over 7 keys: PUTs of fresh values, GETs of keys written earlier in the burst
   * (which must see the latest value) and of keys never written (404).
   */
  static List<Step> burst(Surface surface, int n, String tag) {
    Map<String, String> model = new HashMap<>();
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String key = tag + "-k" + (i * 5 % 7);
      String request;
      int status;
      String body = null;
      if (i % 3 == 1) {
        request = surface.get(key);
        String expected = model.get(key);
        status = expected == null ? 404 : 200;
        body = expected;
      } else if (i % 11 == 10) {
        request = surface.get(tag + "-never-" + i);
        status = 404;
      } else {
        String value = tag + "-value-" + i;
        request = surface.put(key, value);
        model.put(key, value);
        status = 200;
      }
      steps.add(new Step(request.getBytes(StandardCharsets.UTF_8), status, body));
    }
    return steps;
  }

  /** Writes all requests at once (from another thread, so neither side waits on the other). */
  static Thread writeAll(RawHttp http, List<Step> steps, AtomicReference<IOException> failure) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (Step s : steps) {
      all.writeBytes(s.bytes());
    }
    Thread writer =
        new Thread(
            () -> {
              try {
                http.write(all.toByteArray());
              } catch (IOException e) {
                failure.set(e);
              }
            },
            "pipelining-writer");
    writer.start();
    return writer;
  }

  void assertBurst(Surface surface, int n) throws Exception {
    List<Step> steps = burst(surface, n, "b" + n + "-" + surface.port());
    try (RawHttp http = new RawHttp(surface.port())) {
      AtomicReference<IOException> failure = new AtomicReference<>();
      Thread writer = writeAll(http, steps, failure);
      for (int i = 0; i < n; i++) {
        RawHttp.Response r = http.read();
        assertThat(r).as("reply %d of %d", i, n).isNotNull();
        Step step = steps.get(i);
        assertThat(r.status()).as("reply %d: %s", i, r.text()).isEqualTo(step.status());
        if (step.body() != null) {
          assertThat(r.text()).as("reply %d", i).isEqualTo(step.body());
        }
        assertThat(r.headers()).as("reply %d", i).doesNotContain("connection: close");
      }
      writer.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(failure.get()).isNull();
      // the connection is still open and usable
      String key = "after-" + n + "-" + surface.port();
      http.write(surface.put(key, "ok") + surface.get(key));
      assertThat(http.read().status()).isEqualTo(200);
      assertThat(http.read().text()).isEqualTo("ok");
    }
  }

  @ParameterizedTest(name = "{0} requests")
  @ValueSource(ints = {18, 100, 1000})
  void burstOnRest_everyReplyInOrder(int n) throws Exception {
    assertBurst(rest(), n);
  }

  @ParameterizedTest(name = "{0} requests")
  @ValueSource(ints = {18, 100, 1000})
  void burstOnBinding_everyReplyInOrder(int n) throws Exception {
    assertBurst(binding(), n);
  }

  @Test
  void burstOfHealthChecks_allAnswered() throws Exception {
    try (RawHttp http = new RawHttp(server.port())) {
      http.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".repeat(18));
      List<RawHttp.Response> all = http.readAll(18);
      assertThat(all).hasSize(18).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    }
  }

  /**
   * A client that sends 1,000 GETs of a 16 KiB value before reading anything: 16 MB of replies, far
   * more than the socket buffers hold. The server stops reading while it cannot write, and once the
   * client reads, every reply arrives in order.
   */
  @Test
  void clientThatReadsLate_getsEveryReply() throws Exception {
    Surface rest = rest();
    String value = "v".repeat(16 * 1024);
    assertThat(server.put(TestServer.ns(nsId) + "/values/big", value).status()).isEqualTo(200);
    int n = 1000;
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      steps.add(new Step(rest.get("big").getBytes(StandardCharsets.UTF_8), 200, value));
    }
    try (RawHttp http = new RawHttp(server.port())) {
      AtomicReference<IOException> failure = new AtomicReference<>();
      Thread writer = writeAll(http, steps, failure);
      // the scenario: read nothing until every request is written (or the writer is blocked)
      writer.join(TimeUnit.SECONDS.toMillis(10));
      for (int i = 0; i < n; i++) {
        RawHttp.Response r = http.read();
        assertThat(r).as("reply %d", i).isNotNull();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).hasSize(value.length());
      }
      writer.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(failure.get()).isNull();
    }
  }
}
