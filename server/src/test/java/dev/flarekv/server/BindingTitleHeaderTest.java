package dev.flarekv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.server.auth.ScopedToken;
import dev.flarekv.server.testkit.RawHttp;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.storage.testkit.MutableClock;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code X-Flarekv-Namespace-Title}: a binding request names its namespace by title in the server's
 * account, created on first use.
 */
class BindingTitleHeaderTest {
  static final String ADMIN = TestServer.TOKEN;
  static final String SCOPED = "scoped-token-for-other-account";
  static final String TITLE = "X-Flarekv-Namespace-Title";

  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server =
        TestServer.start(
            dir,
            List.of(ADMIN),
            new MutableClock(TestServer.NOW_SECONDS * 1000),
            c -> c.withScopedTokens(List.of(new ScopedToken(SCOPED, List.of("other-account")))));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** One request on the binding port; header lines are written as UTF-8 bytes. */
  RawHttp.Response binding(String method, String target, String body, String... headerLines)
      throws Exception {
    try (RawHttp http = new RawHttp(server.bindingPort())) {
      ByteArrayOutputStream req = new ByteArrayOutputStream();
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: fake-host\r\n");
      for (String line : headerLines) {
        head.append(line).append("\r\n");
      }
      head.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
      req.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
      req.writeBytes(bytes);
      return http.write(req.toByteArray()).read();
    }
  }

  RawHttp.Response withTitle(String method, String target, String body, String title)
      throws Exception {
    return binding(method, target, body, "Authorization: Bearer " + ADMIN, TITLE + ": " + title);
  }

  List<Namespace> titled(String title) {
    return server.server().store().namespaces(TestServer.ACCOUNT).stream()
        .filter(n -> n.title().equals(title))
        .toList();
  }

  @Test
  void createdOnFirstUse_thenReused_andSharedWithRest() throws Exception {
    assertThat(titled("AUTH_SESSION_KV")).isEmpty();
    assertThat(withTitle("PUT", "/s1?urlencoded=true", "v1", "AUTH_SESSION_KV").status())
        .isEqualTo(200);
    assertThat(titled("AUTH_SESSION_KV")).hasSize(1);
    String id = titled("AUTH_SESSION_KV").get(0).id();
    RawHttp.Response got = withTitle("GET", "/s1?urlencoded=true", "", "AUTH_SESSION_KV");
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.text()).isEqualTo("v1");
    assertThat(titled("AUTH_SESSION_KV")).hasSize(1);
    // the same namespace over REST, both ways
    assertThat(server.get(TestServer.ns(id) + "/values/s1").text()).isEqualTo("v1");
    server.put(TestServer.ns(id) + "/values/s2", "from-rest");
    assertThat(withTitle("GET", "/s2?urlencoded=true", "", "AUTH_SESSION_KV").text())
        .isEqualTo("from-rest");
    // a namespace created over REST first is found by its title, not duplicated
    String cache = server.createNamespace("CACHE_KV");
    server.put(TestServer.ns(cache) + "/values/c", "cached");
    assertThat(withTitle("GET", "/c?urlencoded=true", "", "CACHE_KV").text()).isEqualTo("cached");
    assertThat(titled("CACHE_KV")).hasSize(1);
  }

  @Test
  void concurrentFirstUse_createsOneNamespace() throws Exception {
    int n = 8;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<Integer>> puts = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String key = "k" + i;
        puts.add(
            pool.submit(
                () -> {
                  go.await();
                  return withTitle("PUT", "/" + key + "?urlencoded=true", key, "race").status();
                }));
      }
      go.countDown();
      for (Future<Integer> put : puts) {
        assertThat(put.get(60, TimeUnit.SECONDS)).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(titled("race")).hasSize(1);
    assertThat(
            server.server().store().list(titled("race").get(0).ref(), "", null, 1000).keys().size())
        .isEqualTo(n);
  }

  @Test
  void deletedOrRenamed_isFoundAgainByTitle() throws Exception {
    withTitle("PUT", "/k?urlencoded=true", "first", "moving");
    String first = titled("moving").get(0).id();
    assertThat(withTitle("GET", "/k?urlencoded=true", "", "moving").text()).isEqualTo("first");
    assertThat(server.delete(TestServer.ns(first)).status()).isEqualTo(200);
    assertThat(withTitle("GET", "/k?urlencoded=true", "", "moving").status()).isEqualTo(404);
    assertThat(titled("moving")).hasSize(1).extracting(Namespace::id).doesNotContain(first);

    String second = titled("moving").get(0).id();
    withTitle("PUT", "/k?urlencoded=true", "second", "moving");
    assertThat(server.putJson(TestServer.ns(second), "{\"title\":\"moved\"}").status())
        .isEqualTo(200);
    RawHttp.Response put = withTitle("PUT", "/k?urlencoded=true", "third", "moving");
    assertThat(put.status()).isEqualTo(200);
    assertThat(titled("moving")).hasSize(1).extracting(Namespace::id).doesNotContain(second);
    assertThat(server.get(TestServer.ns(second) + "/values/k").text()).isEqualTo("second");
  }

  @Test
  void bothHeaders_is400_andCreatesNothing() throws Exception {
    String id = server.createNamespace("by-id");
    RawHttp.Response r =
        binding(
            "PUT",
            "/k?urlencoded=true",
            "v",
            "Authorization: Bearer " + ADMIN,
            "X-Flarekv-Namespace: " + id,
            TITLE + ": by-title");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.reason())
        .isEqualTo(
            "Send either X-Flarekv-Namespace (a namespace id) or "
                + TITLE
                + " (a title), not both");
    assertThat(titled("by-title")).isEmpty();
    assertThat(server.get(TestServer.ns(id) + "/values/k").status()).isEqualTo(404);
  }

  @Test
  void titleValidatedLikeTheRestApi() throws Exception {
    RawHttp.Response empty = withTitle("GET", "/k?urlencoded=true", "", "");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.reason()).isEqualTo(TITLE + ": missing title");
    RawHttp.Response tooLong = withTitle("GET", "/k?urlencoded=true", "", "t".repeat(513));
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.reason()).isEqualTo(TITLE + ": title: exceeds the 512-character limit");
    // 512 characters of 2 UTF-8 bytes each: the limit counts characters, as in REST
    String longest = "é".repeat(512);
    assertThat(withTitle("PUT", "/k?urlencoded=true", "v", longest).status()).isEqualTo(200);
    assertThat(titled(longest)).hasSize(1);
    try (RawHttp http = new RawHttp(server.bindingPort())) {
      http.write(
          ("GET /k?urlencoded=true HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                  + ADMIN
                  + "\r\n"
                  + TITLE
                  + ": bad\u00ff\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      RawHttp.Response bad = http.read();
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.reason()).isEqualTo(TITLE + ": must be valid UTF-8");
    }
    assertThat(server.server().store().namespaces(TestServer.ACCOUNT)).hasSize(1);
  }

  @Test
  void scopedTokenOfAnotherAccount_is403_andCreatesNothing() throws Exception {
    RawHttp.Response r =
        binding(
            "PUT",
            "/k?urlencoded=true",
            "v",
            "Authorization: Bearer " + SCOPED,
            TITLE + ": theirs");
    assertThat(r.status()).isEqualTo(403);
    assertThat(server.server().store().namespaces(TestServer.ACCOUNT)).isEmpty();
    assertThat(server.server().store().namespaces("other-account")).isEmpty();
    // known to the resolver now: the memory-only read path must refuse the scoped token as well
    assertThat(withTitle("PUT", "/k?urlencoded=true", "v", "theirs").status()).isEqualTo(200);
    RawHttp.Response again =
        binding(
            "GET", "/k?urlencoded=true", "", "Authorization: Bearer " + SCOPED, TITLE + ": theirs");
    assertThat(again.status()).isEqualTo(403);
    assertThat(binding("GET", "/k?urlencoded=true", "", TITLE + ": theirs").status())
        .isEqualTo(401);
  }

  @Test
  void knownTitle_isReadFromMemory() throws Exception {
    assertThat(withTitle("PUT", "/hot?urlencoded=true", "hot-value", "inline").status())
        .isEqualTo(200);
    assertThat(withTitle("GET", "/hot?urlencoded=true", "", "inline").text())
        .isEqualTo("hot-value");
    double lookups = storeOps("namespace");
    double gets = storeOps("get");
    RawHttp.Response hot = withTitle("GET", "/hot?urlencoded=true", "", "inline");
    assertThat(hot.status()).isEqualTo(200);
    assertThat(hot.text()).isEqualTo("hot-value");
    // answered by getIfCached with no namespace lookup: the blocking path re-checks the title
    assertThat(storeOps("get")).isEqualTo(gets + 1);
    assertThat(storeOps("namespace")).isEqualTo(lookups);
  }

  double storeOps(String op) {
    String text = server.get("/metrics").text();
    Matcher m =
        Pattern.compile("(?m)^flarekv_store_operations_seconds_count\\{([^}]*)\\} (\\S+)$")
            .matcher(text);
    double sum = 0;
    while (m.find()) {
      if (m.group(1).contains("op=\"" + op + "\"")) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }
}
