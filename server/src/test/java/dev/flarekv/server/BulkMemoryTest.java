package dev.flarekv.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.testkit.Await;
import dev.flarekv.server.testkit.RawHttp;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import dev.flarekv.storage.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk writes under bounded memory: the body is read as a stream yet answers exactly as a
 * whole-body parse did (all or nothing, the same error first), and the body budget weighs a bulk
 * write by what parsing it holds, so parallel bulks past the budget get a 503 while {@code
 * /healthz} answers (docs/reliability.md, "Bounded memory under bulk load").
 */
class BulkMemoryTest {
  /** The test servers' body budget: 12 MiB, so 3 MiB of bulk body at weight 4. */
  static final long BUDGET = 12L << 20;

  @TempDir Path dir;
  TestServer server;
  String base;

  @BeforeEach
  void start() {
    server =
        TestServer.start(
            dir,
            List.of(TestServer.TOKEN),
            new MutableClock(TestServer.NOW_SECONDS * 1000),
            c -> c.withBodyBudgetBytes(BUDGET));
    base = TestServer.ns(server.createNamespace("bulk-memory"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** {@code count} items {@code {"key":"k<i>","value":<valueLen x's>}}, without the brackets. */
  static StringBuilder items(int count, int valueLen) {
    StringBuilder b = new StringBuilder();
    String value = "x".repeat(valueLen);
    for (int i = 0; i < count; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"key\":\"k")
          .append(i)
          .append("\",\"value\":\"")
          .append(value)
          .append("\"}");
    }
    return b;
  }

  Reply bulk(String body) {
    return server.putJson(base + "/bulk", body);
  }

  void assertNothingWritten() {
    assertThat(server.get(base + "/values/k0").status()).isEqualTo(404);
    assertThat(server.get(base + "/keys").result().size()).isZero();
  }

  @Test
  void badItemAtTheEnd_writesNothing_andNamesThatItem() {
    Reply r = bulk("[" + items(3000, 100) + ",{\"key\":\"last\",\"value\":5}]");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorMessage()).isEqualTo("Bulk item 3000: value of \"last\" must be a string");
    assertNothingWritten();
  }

  @Test
  void afterABadItem_theRestOfTheBodyStillDecidesTheError_asAWholeBodyParseDid() {
    String bad = "{\"key\":\"bad\",\"value\":\"v\",\"expiration_ttl\":30}";
    // a syntax error anywhere wins over a bad item before it
    Reply broken = bulk("[" + bad + "," + items(50, 10) + ",{\"key\":\"x\",\"value\":]");
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.errorMessage()).isEqualTo("Invalid JSON body");
    Reply trailing = bulk("[" + bad + "," + items(50, 10) + "] []");
    assertThat(trailing.errorMessage()).isEqualTo("Invalid JSON body");
    String deep = "[".repeat(1000) + "]".repeat(1000);
    Reply nested = bulk("[" + bad + "," + deep + "]");
    assertThat(nested.errorMessage()).isEqualTo("Invalid JSON body: nesting depth exceeds 1000");
    // then too many items, counted to the end
    Reply tooMany = bulk("[" + bad + "," + items(10_000, 1) + "]");
    assertThat(tooMany.errorMessage())
        .isEqualTo("Too many items: 10001. A bulk request may contain at most 10000 keys.");
    // then the first bad item, not a later one
    Reply first = bulk("[" + items(10, 1) + "," + bad + ",{\"key\":\"\",\"value\":\"v\"}]");
    assertThat(first.errorMessage())
        .isEqualTo(
            "Bulk item 10: Invalid expiration_ttl of 30. Expiration TTL must be at least 60.");
    // a body that is JSON but not an array, and one that is neither
    assertThat(bulk("{\"key\":\"k\",\"value\":\"v\"}").errorMessage())
        .isEqualTo("Request body must be a JSON array of key-value pairs");
    assertThat(bulk("{\"key\":\"k\",").errorMessage()).isEqualTo("Invalid JSON body");
    assertThat(bulk("  ").errorMessage()).isEqualTo("Invalid JSON body");
    assertNothingWritten();
    // and a good body after all that is written whole
    assertThat(bulk("[" + items(20, 10) + "]").status()).isEqualTo(200);
    assertThat(server.get(base + "/keys").result().size()).isEqualTo(20);
  }

  @Test
  void aBulkWriteCostsFourTimesItsBody() {
    // 5 MiB of body fits a 12 MiB budget as bytes, but not with what parsing it holds
    Reply big = bulk("[" + items(50, 100 * 1024 + 20) + "]");
    assertThat(big.status()).isEqualTo(503);
    assertThat(big.errorMessage()).contains("try again");
    assertThat(big.json().path("success").asBoolean(true)).isFalse();
    assertNothingWritten();
    // 3.3 MiB would fit at weight 3 (10 MiB), not at 4 (13.3 MiB)
    assertThat(bulk("[" + items(34, 100 * 1024) + "]").status()).isEqualTo(503);
    assertNothingWritten();
    // 3 MiB does fit, and so does a 10 MiB value, which is not parsed
    assertThat(bulk("[" + items(30, 100 * 1024) + "]").status()).isEqualTo(200);
    Reply value = server.put(base + "/values/big", new byte[10 << 20]);
    assertThat(value.status()).isEqualTo(200);
  }

  @Test
  void parallelBulksPastTheBudget_get503_whileHealthzAnswers() throws Exception {
    byte[] body = ("[" + items(30, 100 * 1024) + "]").getBytes(StandardCharsets.UTF_8); // ~3 MiB
    String head =
        "PUT "
            + base
            + "/bulk HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + TestServer.TOKEN
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length
            + "\r\n\r\n";
    try (RawHttp held = new RawHttp(server.port());
        RawHttp second = new RawHttp(server.port())) {
      // the first bulk is admitted from its head and holds 4 x its length while its body trickles
      held.write(head).write(java.util.Arrays.copyOf(body, body.length / 2));
      // the second is sent only once the first holds its reservation
      Await.until("the first bulk's reservation", () -> server.server().bodyBudget().used() > 0);
      assertThat(server.get("/healthz").status()).isEqualTo(200);
      // the second would take the budget past 12 MiB: refused, not buffered
      second.write(head).write(body);
      RawHttp.Response refused = second.read();
      assertThat(refused.status()).isEqualTo(503);
      JsonNode envelope = KvJson.parse(refused.body());
      assertThat(envelope.path("success").asBoolean(true)).isFalse();
      assertThat(envelope.path("errors").path(0).path("message").asText()).contains("try again");
      assertThat(server.get("/healthz").status()).isEqualTo(200);
      // the first completes and is written whole
      held.write(java.util.Arrays.copyOfRange(body, body.length / 2, body.length));
      RawHttp.Response done = held.read();
      assertThat(done.status()).isEqualTo(200);
      assertThat(server.get(base + "/keys").result().size()).isEqualTo(30);
      // the budget is back: the same bulk on the refused connection now goes through
      second.write(head).write(body);
      assertThat(second.read().status()).isEqualTo(200);
    }
  }
}
