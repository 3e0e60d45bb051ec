package dev.flarekv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import dev.flarekv.storage.cassandra.CassandraConfig;
import dev.flarekv.storage.cassandra.CassandraTestCluster;
import dev.flarekv.storage.testkit.MutableClock;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two flarekv servers over one Cassandra keyspace behave as one KV, on the REST and the binding
 * surface (cluster: see CassandraTestCluster in the storage test-jar).
 */
class CassandraFrontEndsTest {
  @TempDir Path dirA;
  @TempDir Path dirB;
  MutableClock clock;
  TestServer a;
  TestServer b;

  @BeforeEach
  void start() {
    // the keyspace the conformance tests share (a keyspace of its own would cost seconds of DDL)
    CassandraConfig cassandra = CassandraTestCluster.serverKeyspace();
    clock = new MutableClock(TestServer.NOW_SECONDS * 1000);
    a = TestServer.start(dirA, List.of(TestServer.TOKEN), clock, c -> c.withCassandra(cassandra));
    b = TestServer.start(dirB, List.of(TestServer.TOKEN), clock, c -> c.withCassandra(cassandra));
  }

  @AfterEach
  void stop() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  private static String values(String ns, String key) {
    return TestServer.ns(ns) + "/values/" + key;
  }

  @Test
  void driverMetrics_areOnEachServersPrometheusEndpoint_perNode() {
    String ns = a.createNamespace("metrics-" + UUID.randomUUID());
    for (int i = 0; i < 5; i++) {
      assertThat(a.put(values(ns, "k" + i), "v").status()).isEqualTo(200);
      assertThat(a.get(values(ns, "k" + i)).text()).isEqualTo("v");
    }
    Reply r = a.get("/metrics"); // with the API token: /metrics needs one when tokens are set
    assertThat(r.status()).isEqualTo(200);
    String text = r.text();
    // session-wide request latencies, with aggregable histogram buckets
    assertThat(text)
        .containsPattern("cassandra_session_cql_requests_seconds_count\\{[^}]*session=\"flarekv\"")
        .contains("cassandra_session_cql_requests_seconds_bucket{")
        .containsPattern("cassandra_session_connected_nodes\\{[^}]*\\} 1(\\.0)?\n");
    // per node, tagged with its address
    assertThat(text)
        .containsPattern("cassandra_nodes_cql_messages_seconds_count\\{[^}]*node=\"[^\"]+:9042\"")
        .containsPattern("cassandra_nodes_pool_open_connections\\{[^}]*node=");
    long requests =
        text.lines()
            .filter(l -> l.startsWith("cassandra_session_cql_requests_seconds_count{"))
            .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
            .sum();
    assertThat(requests)
        .as("the 10 requests above, and the server's own")
        .isGreaterThanOrEqualTo(10);
  }

  @Test
  void writesThroughOneServerAreReadThroughTheOther() {
    String title = "shared-" + UUID.randomUUID();
    String ns = a.createNamespace(title);

    assertThat(a.put(values(ns, "greeting"), "hello").status()).isEqualTo(200);
    Reply read = b.get(values(ns, "greeting"));
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.text()).isEqualTo("hello");

    // duplicate title through the other server: 10014
    Reply dup =
        b.send(
            "POST",
            TestServer.ns(),
            TestServer.json("{\"title\":" + TestServer.quote(title) + "}"));
    assertThat(dup.status()).isEqualTo(400);
    assertThat(dup.errorCode()).isEqualTo(10014);

    // bulk through B, list and bulk get through A
    assertThat(
            b.putJson(
                    TestServer.ns(ns) + "/bulk",
                    "[{\"key\":\"session:1\",\"value\":\"x\"},{\"key\":\"session:2\",\"value\":\"y\","
                        + "\"expiration_ttl\":120}]")
                .status())
        .isEqualTo(200);
    Reply list = a.get(TestServer.ns(ns) + "/keys?prefix=session%3A");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.result().findValuesAsText("name")).containsExactly("session:1", "session:2");
    assertThat(list.result().get(1).path("expiration").asLong())
        .isEqualTo(TestServer.NOW_SECONDS + 120);

    // the workerd binding surface of B sees A's write
    Reply binding =
        b.binding(
            "GET",
            "/greeting?urlencoded=true",
            HttpRequest.BodyPublishers.noBody(),
            "X-Flarekv-Namespace",
            ns,
            "Authorization",
            "Bearer " + TestServer.TOKEN);
    assertThat(binding.status()).isEqualTo(200);
    assertThat(binding.text()).isEqualTo("hello");

    // delete through A: gone for B at once
    assertThat(a.delete(values(ns, "greeting")).status()).isEqualTo(200);
    assertThat(b.get(values(ns, "greeting")).errorCode()).isEqualTo(10009);

    // expiration is decided by each server's clock, the same instant on both
    clock.advanceSeconds(120);
    assertThat(a.get(values(ns, "session%3A2")).status()).isEqualTo(404);
    assertThat(b.get(values(ns, "session%3A2")).status()).isEqualTo(404);
    assertThat(b.get(values(ns, "session%3A1")).text()).isEqualTo("x");

    // namespace deleted through B: B answers 10013 at once; A once its namespace cache (2 s)
    // has expired, and until then it lists nothing (docs/cassandra.md, "Namespaces")
    assertThat(b.delete(TestServer.ns(ns)).status()).isEqualTo(200);
    assertThat(b.get(TestServer.ns(ns) + "/keys").errorCode()).isEqualTo(10013);
    long deadline = System.nanoTime() + 10_000_000_000L;
    Reply fromA = a.get(TestServer.ns(ns) + "/keys");
    while (fromA.status() == 200 && System.nanoTime() < deadline) {
      assertThat(fromA.result()).isEmpty();
      sleep(100);
      fromA = a.get(TestServer.ns(ns) + "/keys");
    }
    assertThat(fromA.errorCode()).isEqualTo(10013);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
