package dev.flarekv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reads answered on the event loop ({@code Dispatcher.dispatchInline}) give exactly the answers
 * of the blocking path, and fall back to it whenever the store cannot answer from memory. The store
 * metrics tell the two paths apart: an inline answer counts as a {@code get} without a memory-read
 * miss.
 */
class InlineReadTest {
  static final String AUTH = "Bearer " + TestServer.TOKEN;

  @TempDir Path dir;
  TestServer server;
  String nsId;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    nsId = server.createNamespace("inline");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  Reply bindingGet(String namespaceId, String key) {
    return server.binding(
        "GET",
        "/" + key + "?urlencoded=true",
        HttpRequest.BodyPublishers.noBody(),
        "Authorization",
        AUTH,
        "X-Flarekv-Namespace",
        namespaceId);
  }

  double metric(String name, String labels) {
    String text = server.get("/metrics").text();
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{([^}]*)\\})? (\\S+)$").matcher(text);
    double sum = 0;
    while (m.find()) {
      if (m.group(1) == null ? labels.isEmpty() : m.group(1).contains(labels)) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  double storeGets(String outcome) {
    return metric("flarekv_store_operations_seconds_count", "op=\"get\",outcome=\"" + outcome);
  }

  double misses() {
    return metric("flarekv_store_memory_read_misses_total", "");
  }

  @Test
  void hotBindingReads_areAnsweredFromMemory_withTheSameHeaders() {
    String base = TestServer.ns(nsId);
    assertThat(server.put(base + "/values/k?expiration_ttl=600", "hello").status()).isEqualTo(200);
    Reply first = bindingGet(nsId, "k"); // namespace not yet known: blocking path
    double getsAfterFirst = storeGets("success");
    Reply second = bindingGet(nsId, "k"); // known namespace, memtable hit: inline
    Reply missing = bindingGet(nsId, "nope");

    assertThat(second.status()).isEqualTo(200);
    assertThat(second.text()).isEqualTo(first.text()).isEqualTo("hello");
    assertThat(second.headers().firstValue("cf-expiration"))
        .isEqualTo(first.headers().firstValue("cf-expiration"))
        .hasValue(Long.toString(TestServer.NOW_SECONDS + 600));
    assertThat(missing.status()).isEqualTo(404);
    assertThat(storeGets("success")).isEqualTo(getsAfterFirst + 1);
    assertThat(storeGets("not_found")).isGreaterThanOrEqualTo(1);
    assertThat(misses()).isZero();
  }

  @Test
  void restReads_inlineAnswersMatchTheEnvelopeErrors() {
    String base = TestServer.ns(nsId);
    server.put(base + "/values/k", "v");
    Reply hit = server.get(base + "/values/k");
    assertThat(hit.status()).isEqualTo(200);
    assertThat(hit.text()).isEqualTo("v");
    Reply miss = server.get(base + "/values/absent");
    assertThat(miss.status()).isEqualTo(404);
    assertThat(miss.errorCode()).isEqualTo(10009);
    assertThat(miss.errorMessage()).isEqualTo("get: 'key not found'");
    assertThat(misses()).isZero(); // both answered from memory
    // an unknown namespace is never mistaken for a missing key
    Reply unknownNs = server.get(TestServer.ns("0".repeat(32)) + "/values/k");
    assertThat(unknownNs.status()).isEqualTo(404);
    assertThat(unknownNs.errorCode()).isEqualTo(10013);
    assertThat(misses()).isEqualTo(1); // declined, then reported by the blocking path
  }

  @Test
  void deletedNamespace_afterItWasKnown_isStillReportedAsUnknown() {
    String base = TestServer.ns(nsId);
    server.put(base + "/values/k", "v");
    assertThat(bindingGet(nsId, "k").status()).isEqualTo(200);
    assertThat(bindingGet(nsId, "k").status()).isEqualTo(200);
    assertThat(server.delete(base).status()).isEqualTo(200);

    Reply binding = bindingGet(nsId, "k");
    assertThat(binding.status()).isEqualTo(400);
    assertThat(binding.text()).isEqualTo("KV namespace " + nsId + " not found");
    assertThat(server.get(base + "/values/k").errorCode()).isEqualTo(10013);
  }

  @Test
  void coldReads_afterRestart_takeTheBlockingPath_thenTurnHot() {
    String base = TestServer.ns(nsId);
    server.put(base + "/values/k", "persisted");
    server.close(); // flushes the memtable; the next process starts with an empty block cache
    server = TestServer.start(dir);

    assertThat(server.get(base + "/values/k").text()).isEqualTo("persisted");
    assertThat(misses()).isEqualTo(1);
    assertThat(server.get(base + "/values/k").text()).isEqualTo("persisted");
    assertThat(misses()).isEqualTo(1); // the block is cached now
    assertThat(new String(bindingGet(nsId, "k").body(), StandardCharsets.UTF_8)) // resolves ns
        .isEqualTo("persisted");
    assertThat(new String(bindingGet(nsId, "k").body(), StandardCharsets.UTF_8))
        .isEqualTo("persisted");
    assertThat(misses()).isEqualTo(1);
  }

  @Test
  void listenersUseTheNativeTransportOnLinux() {
    String os = System.getProperty("os.name", "");
    String arch = System.getProperty("os.arch", "");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        os.startsWith("Linux") && (arch.equals("amd64") || arch.equals("aarch64")),
        "epoll ships for Linux x86_64 and aarch64 only");
    assertThat(server.server().transport()).isEqualTo("epoll");
  }
}
