package dev.flarekv.server.modes.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.server.modes.Modes;
import dev.flarekv.server.testkit.RawHttp;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The eventual-consistency mode's control ({@code /flarekv/v1/consistency}), its determinism under
 * {@code --random-seed}, the location header's checks, and strong mode left as it was.
 */
class ConsistencyControlTest {
  static final String FLUSH = "/flarekv/v1/consistency/flush";

  @TempDir Path dir;

  @Test
  void flushMakesEveryLocationSeeTheCentralStoreAtOnce() {
    try (Edge edge = Edge.eventual(dir, 7)) {
      Edge.ok(edge.put("A", "session", "old"));
      edge.advance(61);
      assertThat(edge.get("B", "session")).isEqualTo("old");
      Edge.ok(edge.put("A", "session", "new"));
      Edge.ok(edge.put("A", "other", "fresh"));
      Reply stats = edge.server.get("/flarekv/v1/consistency");
      assertThat(stats.status()).as(stats.toString()).isEqualTo(200);
      assertThat(stats.result().path("consistency").asText()).isEqualTo("eventual");
      assertThat(stats.result().path("locations").path("B").asInt()).isEqualTo(1);
      assertThat(stats.result().path("cached_entries").asInt()).isEqualTo(1);
      assertThat(stats.result().path("recent_writes").asInt()).isEqualTo(2);

      Reply flushed = edge.server.postJson(FLUSH, "");
      assertThat(flushed.status()).as(flushed.toString()).isEqualTo(200);
      assertThat(flushed.result().path("flushed_entries").asInt()).isEqualTo(1);
      assertThat(flushed.result().path("dropped_writes").asInt()).isEqualTo(2);
      assertThat(edge.get("B", "session")).isEqualTo("new"); // its cached copy is gone
      assertThat(edge.get("C", "other")).isEqualTo("fresh"); // the pending write arrived
      assertThat(edge.server.get("/flarekv/v1/consistency").result().path("recent_writes").asInt())
          .isZero();
    }
  }

  /** The transcript of docs/modes.md, section "Eventual consistency", step by step. */
  @Test
  void theDocumentedExampleHappensAsShown() {
    try (Edge edge = Edge.eventual(dir, 42)) {
      Edge.ok(edge.put("fra", "session:1", "alice:v1"));
      edge.advance(61);
      assertThat(edge.get("iad", "session:1")).isEqualTo("alice:v1");
      Edge.ok(edge.put("fra", "session:1", "alice:v2"));
      assertThat(edge.get("fra", "session:1")).isEqualTo("alice:v2");
      assertThat(edge.get("iad", "session:1")).isEqualTo("alice:v1");
      assertThat(edge.restGet("session:1")).isEqualTo("alice:v2");
      edge.advance(59);
      assertThat(edge.get("iad", "session:1")).isEqualTo("alice:v1");
      edge.advance(2);
      assertThat(edge.get("iad", "session:1")).isEqualTo("alice:v2");
      Edge.ok(edge.put("fra", "session:1", "alice:v3"));
      assertThat(edge.get("iad", "session:1")).isEqualTo("alice:v2");
      Reply stats = edge.server.get("/flarekv/v1/consistency");
      assertThat(stats.result().toString())
          .isEqualTo(
              "{\"consistency\":\"eventual\",\"locations\":{\"iad\":1},\"cached_entries\":1,"
                  + "\"recent_writes\":1}");
      Reply flushed = edge.server.postJson(FLUSH, "");
      assertThat(flushed.result().toString())
          .isEqualTo("{\"flushed_entries\":1,\"dropped_writes\":1}");
      assertThat(edge.get("iad", "session:1")).isEqualTo("alice:v3");
    }
  }

  @Test
  void flushNeedsATokenForEveryAccountAndAJsonBody() {
    try (Edge edge = Edge.eventual(dir, 7)) {
      Edge.ok(edge.put("A", "k", "old"));
      edge.advance(61);
      assertThat(edge.get("B", "k")).isEqualTo("old");
      Edge.ok(edge.put("A", "k", "new"));
      Reply scoped =
          edge.server.send(
              HttpRequest.newBuilder(java.net.URI.create(edge.server.origin() + FLUSH))
                  .header("Authorization", "Bearer " + Edge.SCOPED)
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build());
      assertThat(scoped.status()).isEqualTo(403);
      Reply array = edge.server.postJson(FLUSH, "[]");
      assertThat(array.status()).isEqualTo(400);
      assertThat(array.errorMessage()).contains("JSON object");
      assertThat(edge.get("B", "k")).isEqualTo("old"); // neither refusal flushed anything
    }
  }

  @Test
  void theSameSeedGivesTheSameVisibilityTimeline() {
    List<Integer> first = arrivals(dir.resolve("one"), 1234);
    List<Integer> second = arrivals(dir.resolve("two"), 1234);
    List<Integer> other = arrivals(dir.resolve("three"), 99);
    assertThat(first).hasSize(3).isEqualTo(second);
    assertThat(first).allSatisfy(s -> assertThat(s).isBetween(0, 60));
    assertThat(other).isNotEqualTo(first);
  }

  /** For three writes at A, the second (0..60) at which a location that never read sees them. */
  private static List<Integer> arrivals(Path dir, long seed) {
    List<Integer> out = new ArrayList<>();
    try (Edge edge = Edge.eventual(dir, seed)) {
      for (String key : List.of("k1", "k2", "k3")) {
        Edge.ok(edge.put("A", key, "old"));
        edge.advance(61);
        Edge.ok(edge.put("A", key, "new"));
        int arrival = -1;
        for (int s = 0; s <= 60 && arrival < 0; s++) {
          if ("new".equals(edge.get("L-" + key + "-" + s, key))) {
            arrival = s;
          }
          edge.advance(1);
        }
        out.add(arrival);
        edge.advance(61);
      }
    }
    return out;
  }

  @Test
  void strongModeIsUnchangedAndItsControlSaysHowToTurnTheModeOn() {
    try (Edge edge = Edge.start(dir, Modes.OFF)) {
      Edge.ok(edge.put("A", "session", "old"));
      assertThat(edge.get("B", "session")).isEqualTo("old");
      Edge.ok(edge.put("A", "session", "new"));
      assertThat(edge.get("B", "session")).isEqualTo("new");
      edge.restPut("session", "rest");
      assertThat(edge.get("B", "session")).isEqualTo("rest");
      for (Reply r :
          List.of(edge.server.get("/flarekv/v1/consistency"), edge.server.postJson(FLUSH, ""))) {
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo(10001);
        assertThat(r.errorMessage()).contains("start flarekv with --consistency eventual");
      }
    }
  }

  @Test
  void aBadLocationHeaderIsRefusedAndChangesNothing() throws Exception {
    try (Edge edge = Edge.eventual(dir, 7)) {
      String tooLong = "x".repeat(65);
      Reply get = edge.getReply(tooLong, "k", null);
      assertThat(get.status()).isEqualTo(400);
      assertThat(get.text()).contains("X-Flarekv-Location").contains("64 printable ASCII");
      Reply put = edge.put(tooLong, "k", "v");
      assertThat(put.status()).isEqualTo(400);
      assertThat(edge.restGet("k")).isNull();
      assertThat(edge.bulkGet(tooLong, "{\"keys\":[\"k\"]}").status()).isEqualTo(400);
      try (RawHttp http = new RawHttp(edge.server.bindingPort())) {
        http.write(
            ("PUT /k?urlencoded=true HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer "
                    + TestServer.TOKEN
                    + "\r\nX-Flarekv-Namespace: "
                    + edge.ns
                    + "\r\nX-Flarekv-Location: fr\u00e9\r\nContent-Length: 1\r\n\r\nv")
                .getBytes(StandardCharsets.ISO_8859_1));
        RawHttp.Response r = http.read();
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.reason()).contains("X-Flarekv-Location");
      }
      assertThat(edge.restGet("k")).isNull();
      assertThat(edge.get(" fra ", "k")).isNull(); // trimmed, a fine name
      assertThat(edge.get("x".repeat(64), "k")).isNull();
    }
  }
}
