package dev.flarekv.server.modes.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.server.testkit.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eventual consistency on a real server ({@code --consistency eventual}), driven by the server's
 * clock: binding reads at a location come from its edge cache while their cacheTtl runs, writes
 * reach other locations after their propagation delay, REST reads and lists see the central store.
 */
class EdgeCachePolicyTest {
  @TempDir Path dir;
  Edge edge;

  @BeforeEach
  void start() {
    edge = Edge.eventual(dir, 42);
  }

  @AfterEach
  void stop() {
    edge.close();
  }

  /** "old" written at A, propagated everywhere. */
  private void settled(String key, String value) {
    Edge.ok(edge.put("A", key, value));
    edge.advance(61);
  }

  @Test
  void aWriteIsVisibleAtOnceWhereItWasMade() {
    settled("session", "old");
    assertThat(edge.get("A", "session")).isEqualTo("old");
    Edge.ok(edge.put("A", "session", "new"));
    assertThat(edge.get("A", "session")).isEqualTo("new");
    Edge.ok(edge.delete("A", "session"));
    assertThat(edge.get("A", "session")).isNull();
  }

  @Test
  void aLocationThatReadKeepsTheStaleValueUntilItsCacheTtlPasses() {
    settled("session", "old");
    assertThat(edge.get("B", "session", 60)).isEqualTo("old");
    Edge.ok(edge.put("A", "session", "new"));
    assertThat(edge.get("B", "session", 60)).isEqualTo("old");
    edge.advance(59);
    assertThat(edge.get("B", "session", 60)).isEqualTo("old");
    edge.advance(2);
    assertThat(edge.get("B", "session", 60)).isEqualTo("new");
  }

  @Test
  void aLongerCacheTtlKeepsTheStaleValueLonger() {
    settled("session", "old");
    assertThat(edge.get("B", "session", 300)).isEqualTo("old");
    Edge.ok(edge.put("A", "session", "new"));
    edge.advance(61); // the write has reached every location, but B serves its cached copy
    assertThat(edge.get("B", "session", 300)).isEqualTo("old");
    assertThat(edge.get("C", "session", 300)).isEqualTo("new");
    edge.advance(240);
    assertThat(edge.get("B", "session", 300)).isEqualTo("new");
  }

  @Test
  void aLocationThatNeverReadSeesTheWriteAfterItsPropagationDelay() {
    settled("session", "old");
    Edge.ok(edge.put("A", "session", "new"));
    List<String> seen = new ArrayList<>();
    for (int s = 0; s <= 60; s++) {
      seen.add(edge.get("fresh-" + s, "session")); // a location that never read the key
      edge.advance(1);
    }
    int arrival = seen.indexOf("new");
    assertThat(seen.get(0)).isEqualTo("old"); // seed 42 gives this write a delay above 0
    assertThat(arrival).isBetween(1, 60);
    assertThat(seen.subList(0, arrival)).containsOnly("old");
    assertThat(seen.subList(arrival, seen.size())).containsOnly("new");
  }

  @Test
  void aStaleReadIsKeptOnlyUntilTheWriteArrives() {
    settled("session", "old");
    Edge.ok(edge.put("A", "session", "new"));
    assertThat(edge.get("B", "session", 300)).isEqualTo("old"); // read after the write
    edge.advance(60);
    assertThat(edge.get("B", "session", 300)).isEqualTo("new");
  }

  @Test
  void missesAreCachedToo() {
    assertThat(edge.get("B", "created-later")).isNull();
    Edge.ok(edge.put("A", "created-later", "here"));
    assertThat(edge.get("A", "created-later")).isEqualTo("here");
    edge.advance(59);
    assertThat(edge.get("B", "created-later")).isNull();
    edge.advance(2);
    assertThat(edge.get("B", "created-later")).isEqualTo("here");
  }

  @Test
  void expirationBeatsCacheTtl() {
    Edge.ok(edge.put("A", "short", "lived", "expiration_ttl=60"));
    edge.advance(10);
    assertThat(edge.get("A", "short", 300)).isEqualTo("lived"); // cached until +310 s
    edge.advance(51);
    assertThat(edge.get("A", "short", 300)).isNull();
    assertThat(edge.restGet("short")).isNull();
  }

  @Test
  void deletesPropagateLikeWrites() {
    settled("gone", "here");
    assertThat(edge.get("B", "gone")).isEqualTo("here");
    Edge.ok(edge.delete("A", "gone"));
    assertThat(edge.get("A", "gone")).isNull();
    assertThat(edge.get("B", "gone")).isEqualTo("here");
    edge.advance(61);
    assertThat(edge.get("B", "gone")).isNull();
  }

  @Test
  void restReadsAndListsSeeTheCentralStoreAtOnce() {
    settled("session", "old");
    assertThat(edge.get("B", "session")).isEqualTo("old");
    Edge.ok(edge.put("A", "session", "new"));
    Edge.ok(edge.put("A", "other", "x"));
    assertThat(edge.restGet("session")).isEqualTo("new");
    JsonNode keys = Edge.ok(edge.bind("B", "GET", "/?key_count_limit=10", null)).json();
    assertThat(keys.path("keys").findValuesAsText("name")).containsExactly("other", "session");
    assertThat(edge.get("B", "session")).isEqualTo("old");
  }

  @Test
  void restWritesReachEveryBindingLocationAfterTheirDelay() {
    edge.restPut("config", "old");
    edge.advance(61);
    assertThat(edge.get("B", "config")).isEqualTo("old");
    edge.restPut("config", "new");
    assertThat(edge.restGet("config")).isEqualTo("new");
    List<String> seen = new ArrayList<>();
    for (int s = 0; s <= 60; s++) {
      seen.add(edge.get(s == 0 ? null : "fresh-" + s, "config")); // null: the default location
      edge.advance(1);
    }
    int arrival = seen.indexOf("new");
    assertThat(seen.get(0)).isEqualTo("old");
    assertThat(arrival).isBetween(1, 60);
    assertThat(seen.subList(arrival, seen.size())).containsOnly("new");
    assertThat(edge.get("B", "config")).isEqualTo("new"); // its cacheTtl has passed too
  }

  @Test
  void bulkGetReadsTheSameCaches() {
    edge.restPut("a", "a-old");
    edge.restPut("b", "b-old");
    edge.advance(61);
    JsonNode first = Edge.ok(edge.bulkGet("B", "{\"keys\":[\"a\"],\"cacheTtl\":90}")).json();
    assertThat(first.path("a").asText()).isEqualTo("a-old");
    Edge.ok(
        edge.server.putJson(
            TestServer.ns(edge.ns) + "/bulk",
            "[{\"key\":\"a\",\"value\":\"a-new\"},{\"key\":\"b\",\"value\":\"b-new\"}]"));
    edge.advance(60);
    JsonNode mixed =
        Edge.ok(edge.bulkGet("B", "{\"keys\":[\"a\",\"b\",\"c\"],\"cacheTtl\":90}")).json();
    assertThat(mixed.path("a").asText()).isEqualTo("a-old"); // cached until +90 s
    assertThat(mixed.path("b").asText()).isEqualTo("b-new"); // not cached, arrived
    assertThat(mixed.path("c").isNull()).isTrue();
    edge.advance(31);
    JsonNode later = Edge.ok(edge.bulkGet("B", "{\"keys\":[\"a\",\"b\"]}")).json();
    assertThat(later.path("a").asText()).isEqualTo("a-new");
    assertThat(edge.get("B", "a")).isEqualTo("a-new");
  }

  @Test
  void aBulkGetAndAGetShareALocationsCache() {
    settled("k", "old");
    Edge.ok(edge.bulkGet("B", "{\"keys\":[\"k\"],\"withMetadata\":true}"));
    Edge.ok(edge.put("A", "k", "new"));
    assertThat(edge.get("B", "k")).isEqualTo("old");
    JsonNode meta = Edge.ok(edge.bulkGet("B", "{\"keys\":[\"k\"],\"withMetadata\":true}")).json();
    assertThat(meta.path("k").path("value").asText()).isEqualTo("old");
  }

  @Test
  void aDeletedNamespaceLeavesNothingCached() {
    settled("k", "old");
    assertThat(edge.get("B", "k")).isEqualTo("old");
    assertThat(edge.server.delete(TestServer.ns(edge.ns)).status()).isEqualTo(200);
    assertThat(edge.getReply("B", "k", null).status()).isEqualTo(400); // namespace not found
  }

  @Test
  void aBadCacheTtlIsRefusedAsBefore() {
    assertThat(edge.getReply("B", "k", 10).status()).isEqualTo(400);
    assertThat(edge.getReply("B", "k", 10).text()).contains("Cache TTL must be at least 30");
    assertThat(edge.bulkGet("B", "{\"keys\":[\"k\"],\"cacheTtl\":5}").status()).isEqualTo(400);
  }
}
