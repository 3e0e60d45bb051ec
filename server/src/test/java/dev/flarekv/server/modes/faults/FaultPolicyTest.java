package dev.flarekv.server.modes.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.server.modes.Modes;
import dev.flarekv.server.testkit.RawHttp;
import dev.flarekv.server.testkit.TestServer.Reply;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault rules on a real server, on both surfaces: what they fail, what they leave alone, how often
 * they fire, and that a failed operation changes nothing.
 */
class FaultPolicyTest {
  @TempDir Path dir;
  FaultsHarness h;

  @BeforeEach
  void start() {
    h = FaultsHarness.start(dir, Modes.OFF);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void a503OnGetFailsRestAndBindingReads_whilePutsStillWork() {
    assertThat(h.restPut("k", "v").status()).isEqualTo(200);
    assertThat(h.restGet("k").text()).isEqualTo("v"); // from memory, on the event loop
    String id = h.addRule("{\"status\":503,\"ops\":[\"get\"]}");

    Reply rest = h.restGet("k");
    assertThat(rest.status()).isEqualTo(503);
    assertThat(rest.json().path("success").booleanValue()).isFalse();
    assertThat(rest.errorCode()).isEqualTo(10001);
    assertThat(rest.errorMessage())
        .isEqualTo("flarekv fault injection: rule " + id + " answered 503 Service Unavailable");
    assertThat(h.restMetadata("k").status()).isEqualTo(503);

    RawHttp.Response binding = h.bindGetRaw("k");
    assertThat(binding.status()).isEqualTo(503);
    // workerd shows the Worker: KV GET failed: 503 Service Unavailable
    assertThat(binding.reason()).isEqualTo("Service Unavailable");
    assertThat(binding.text()).contains("rule " + id);

    assertThat(h.restPut("k", "w").status()).isEqualTo(200);
    assertThat(h.bindPut("k2", "x").status()).isEqualTo(200);
    assertThat(h.restList(null).status()).isEqualTo(200);
    assertThat(h.rules().result().path(0).path("fired").asLong()).isEqualTo(3);
  }

  @Test
  void statusesOtherThan503KeepTheirReasonPhrase() {
    h.restPut("k", "v");
    h.addRule("{\"status\":429,\"surface\":\"binding\"}");
    RawHttp.Response r = h.bindGetRaw("k");
    assertThat(r.status()).isEqualTo(429);
    assertThat(r.reason()).isEqualTo("Too Many Requests");
    assertThat(h.bindPut("k", "w").status()).isEqualTo(429);
  }

  @Test
  void prefixMatchesKeys_andBulkOperationsWithAnyKeyUnderIt() {
    h.restPut("cache:a", "1");
    h.restPut("other", "2");
    h.addRule("{\"status\":500,\"prefix\":\"cache:\"}");
    assertThat(h.restGet("cache:a").status()).isEqualTo(500);
    assertThat(h.bindGet("cache:a").status()).isEqualTo(500);
    assertThat(h.restGet("other").status()).isEqualTo(200);
    assertThat(h.bindGet("other").status()).isEqualTo(200);
    assertThat(h.restBulkGet("other", "cache:a").status()).isEqualTo(500);
    assertThat(h.restBulkGet("other").status()).isEqualTo(200);
    // a list overlaps the prefix when it lists everything or lists under it
    assertThat(h.restList(null).status()).isEqualTo(500);
    assertThat(h.restList("cache:x").status()).isEqualTo(500);
    assertThat(h.bindList("ca").status()).isEqualTo(500);
    assertThat(h.restList("oth").status()).isEqualTo(200);
    assertThat(h.bindList("oth").status()).isEqualTo(200);
  }

  @Test
  void opsFilterWhichOperationsFail() {
    h.restPut("k", "v");
    h.addRule("{\"status\":503,\"ops\":[\"list\",\"delete\",\"bulk_put\"]}");
    assertThat(h.restList(null).status()).isEqualTo(503);
    assertThat(h.bindList("").status()).isEqualTo(503);
    assertThat(h.restDelete("k").status()).isEqualTo(503);
    assertThat(h.bindDelete("k").status()).isEqualTo(503);
    assertThat(h.restBulkPut("b", "1").status()).isEqualTo(503);
    assertThat(h.restGet("k").status()).isEqualTo(200);
    assertThat(h.bindGet("k").status()).isEqualTo(200);
    assertThat(h.restPut("k", "w").status()).isEqualTo(200);
    assertThat(h.restBulkDelete("b").status()).isEqualTo(200);
  }

  @Test
  void surfaceFilterLeavesTheOtherSurfaceAlone() {
    h.restPut("k", "v");
    h.addRule("{\"status\":503,\"surface\":\"binding\",\"ops\":[\"get\"]}");
    assertThat(h.bindGet("k").status()).isEqualTo(503);
    assertThat(h.restGet("k").status()).isEqualTo(200);
    h.server.delete("/flarekv/v1/faults");
    h.addRule("{\"status\":503,\"surface\":\"rest\",\"ops\":[\"get\"]}");
    assertThat(h.bindGet("k").status()).isEqualTo(200);
    assertThat(h.restGet("k").status()).isEqualTo(503);
  }

  @Test
  void namespaceFilterLeavesOtherNamespacesAlone() {
    String other = h.server.createNamespace("other");
    h.restPut("k", "v");
    h.restPut(other, "k", "v");
    h.addRule("{\"status\":503,\"namespace\":\"" + h.ns + "\"}");
    assertThat(h.restGet("k").status()).isEqualTo(503);
    assertThat(h.bindGet("k").status()).isEqualTo(503);
    assertThat(h.restGet(other, "k").status()).isEqualTo(200);
    assertThat(h.restPut(other, "k", "w").status()).isEqualTo(200);
  }

  @Test
  void namespaceOperationsAndControlsAreNotFaultable() {
    h.addRule("{\"status\":503}");
    assertThat(h.server.createNamespace("still-works")).hasSize(32);
    assertThat(h.server.get(dev.flarekv.server.testkit.TestServer.ns()).status()).isEqualTo(200);
    assertThat(h.rules().status()).isEqualTo(200);
    assertThat(h.rules().result().path(0).path("fired").asLong()).isZero();
  }

  @Test
  void aCountedRuleFiresThatManyTimesThenIsSpent() {
    h.restPut("k", "v");
    h.addRule("{\"status\":503,\"ops\":[\"get\"],\"count\":2}");
    assertThat(h.bindGet("k").status()).isEqualTo(503);
    assertThat(h.restGet("k").status()).isEqualTo(503);
    assertThat(h.bindGet("k").status()).isEqualTo(200);
    assertThat(h.restGet("k").status()).isEqualTo(200);
    Reply rules = h.rules();
    assertThat(rules.result().path(0).path("fired").asLong()).isEqualTo(2);
    assertThat(rules.result().path(0).path("active").booleanValue()).isFalse();
  }

  @Test
  void aFailedWriteChangesNothing_onEitherSurface() {
    h.restPut("k", "old");
    h.restPut("gone", "still here");
    h.addRule("{\"status\":500,\"ops\":[\"put\",\"delete\",\"bulk_put\",\"bulk_delete\"]}");
    assertThat(h.restPut("k", "new").status()).isEqualTo(500);
    assertThat(h.bindPut("k", "new").status()).isEqualTo(500);
    assertThat(h.restBulkPut("k", "new").status()).isEqualTo(500);
    assertThat(h.restPut("fresh", "x").status()).isEqualTo(500);
    assertThat(h.restDelete("gone").status()).isEqualTo(500);
    assertThat(h.bindDelete("gone").status()).isEqualTo(500);
    assertThat(h.restBulkDelete("gone").status()).isEqualTo(500);
    assertThat(h.restGet("k").text()).isEqualTo("old");
    assertThat(h.bindGet("k").text()).isEqualTo("old");
    assertThat(h.restGet("fresh").status()).isEqualTo(404);
    assertThat(h.restGet("gone").text()).isEqualTo("still here");
  }

  @Test
  void rulesAreTriedInOrder_andRemovingThemRestoresService() {
    h.restPut("k", "v");
    String first = h.addRule("{\"status\":500,\"ops\":[\"get\"]}");
    h.addRule("{\"status\":503,\"ops\":[\"get\"]}");
    assertThat(h.restGet("k").status()).isEqualTo(500);
    assertThat(h.server.delete("/flarekv/v1/faults/" + first).status()).isEqualTo(200);
    assertThat(h.restGet("k").status()).isEqualTo(503);
    assertThat(h.server.delete("/flarekv/v1/faults").status()).isEqualTo(200);
    assertThat(h.restGet("k").status()).isEqualTo(200);
    assertThat(h.bindGet("k").status()).isEqualTo(200);
  }

  /**
   * Measures the feature: one read under a 300 ms latency rule takes at least 300 ms (and far less
   * than the generous upper bound), on both surfaces, and still answers the value.
   */
  @Test
  void aLatencyRuleDelaysTheOperationBeforeItRuns() {
    h.restPut("k", "v");
    h.addRule("{\"latency_ms\":300,\"ops\":[\"get\"]}");
    long start = System.nanoTime();
    Reply rest = h.restGet("k");
    long restMs = (System.nanoTime() - start) / 1_000_000;
    start = System.nanoTime();
    Reply binding = h.bindGet("k");
    long bindingMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(rest.text()).isEqualTo("v");
    assertThat(binding.text()).isEqualTo("v");
    assertThat(restMs).isBetween(300L, 30_000L);
    assertThat(bindingMs).isBetween(300L, 30_000L);
    assertThat(h.rules().result().path(0).path("fired").asLong()).isEqualTo(2);
  }
}
