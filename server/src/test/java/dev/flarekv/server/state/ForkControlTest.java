package dev.flarekv.server.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.auth.ScopedToken;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import dev.flarekv.storage.testkit.MutableClock;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /flarekv/v1/namespaces/{id}/fork} on a real server over RocksDB. */
class ForkControlTest {
  static final long NOW = TestServer.NOW_SECONDS;
  static final String SCOPED_HERE = "scoped-token-for-this-account";
  static final String SCOPED_ELSEWHERE = "scoped-token-for-another-account";

  @TempDir Path dir;
  TestServer server;
  String source;

  @BeforeEach
  void start() {
    server =
        TestServer.start(
            dir,
            List.of(TestServer.TOKEN),
            new MutableClock(NOW * 1000),
            c ->
                c.withScopedTokens(
                    List.of(
                        new ScopedToken(SCOPED_HERE, List.of(TestServer.ACCOUNT)),
                        new ScopedToken(SCOPED_ELSEWHERE, List.of("other-account")))));
    source = server.createNamespace("SOURCE");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static String fork(String id) {
    return "/flarekv/v1/namespaces/" + id + "/fork";
  }

  /** Every key of the namespace as the list API shows it (name, expiration, metadata). */
  List<JsonNode> keys(String id) {
    List<JsonNode> all = new ArrayList<>();
    String cursor = "";
    do {
      Reply r = server.get(TestServer.ns(id) + "/keys?limit=1000&cursor=" + cursor);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      r.result().forEach(all::add);
      cursor = r.json().path("result_info").path("cursor").asText("");
    } while (!cursor.isEmpty());
    return all;
  }

  List<String> titles() {
    List<String> titles = new ArrayList<>();
    server
        .get(TestServer.ns() + "?per_page=1000")
        .result()
        .forEach(n -> titles.add(n.path("title").asText()));
    return titles;
  }

  void bulkPut(String id, int from, int to) {
    ArrayNode items = KvJson.mapper().createArrayNode();
    for (int i = from; i < to; i++) {
      var item = items.addObject().put("key", String.format("k%05d", i)).put("value", "value-" + i);
      if (i % 3 == 0) {
        item.putObject("metadata").put("n", i);
      }
      if (i % 4 == 0) {
        item.put("expiration", NOW + 3600 + i);
      }
    }
    Reply r = server.putJson(TestServer.ns(id) + "/bulk", items.toString());
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  @Test
  void fork_copiesValuesMetadataAndExpiration_andIsIndependentOfItsSource() {
    bulkPut(source, 0, 1500);
    server.put(TestServer.ns(source) + "/values/short", "soon");
    server.put(TestServer.ns(source) + "/values/short?expiration_ttl=120", "soon");

    Reply r = server.postJson(fork(source), "{\"title\":\"FORK\"}");

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    String id = r.result().path("id").asText();
    assertThat(r.result().path("title").asText()).isEqualTo("FORK");
    assertThat(id).hasSize(32).isNotEqualTo(source);
    assertThat(titles()).containsExactlyInAnyOrder("SOURCE", "FORK");
    List<JsonNode> sourceKeys = keys(source);
    assertThat(sourceKeys).hasSize(1501);
    assertThat(keys(id)).isEqualTo(sourceKeys);
    assertThat(server.get(TestServer.ns(id) + "/values/k00012").text()).isEqualTo("value-12");
    assertThat(server.get(TestServer.ns(id) + "/metadata/k00012").result().path("n").asInt())
        .isEqualTo(12);
    assertThat(server.get(TestServer.ns(id) + "/values/short").text()).isEqualTo("soon");

    // independent: writes to one never show in the other
    server.put(TestServer.ns(id) + "/values/k00001", "changed in the fork");
    server.delete(TestServer.ns(id) + "/values/k00002");
    server.put(TestServer.ns(source) + "/values/new-in-source", "x");
    assertThat(server.get(TestServer.ns(source) + "/values/k00001").text()).isEqualTo("value-1");
    assertThat(server.get(TestServer.ns(source) + "/values/k00002").text()).isEqualTo("value-2");
    assertThat(server.get(TestServer.ns(id) + "/values/new-in-source").status()).isEqualTo(404);

    // the copied expiration is the same instant: both expire together
    server.clock().advanceSeconds(120);
    assertThat(server.get(TestServer.ns(id) + "/values/short").status()).isEqualTo(404);
    assertThat(server.get(TestServer.ns(source) + "/values/short").status()).isEqualTo(404);
  }

  @Test
  void fork_leavesExpiredKeysBehind() {
    server.put(TestServer.ns(source) + "/values/expiring?expiration_ttl=60", "a");
    server.put(TestServer.ns(source) + "/values/kept", "b");
    server.clock().advanceSeconds(60);

    Reply r = server.postJson(fork(source), "{\"title\":\"FORK\"}");

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    String id = r.result().path("id").asText();
    assertThat(keys(id)).extracting(k -> k.path("name").asText()).containsExactly("kept");
  }

  @Test
  void forkOntoAnExistingTitle_is400_10014_andCreatesNothing() {
    server.put(TestServer.ns(source) + "/values/k", "v");
    server.createNamespace("TAKEN");

    for (String title : List.of("TAKEN", "SOURCE")) {
      Reply r = server.postJson(fork(source), "{\"title\":\"" + title + "\"}");
      assertThat(r.status()).as(r.toString()).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo(10014);
    }
    assertThat(titles()).containsExactlyInAnyOrder("SOURCE", "TAKEN");
  }

  @Test
  void forkOfAnUnknownNamespace_is404_10013() {
    Reply r = server.postJson(fork("0123456789abcdef0123456789abcdef"), "{\"title\":\"FORK\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo(10013);
    assertThat(r.errorMessage()).contains("0123456789abcdef0123456789abcdef");
    assertThat(titles()).containsExactly("SOURCE");
  }

  @Test
  void badInput_is400WithTheReason_andCreatesNothing() {
    record Case(String id, String body, int code, String message) {}
    List<Case> cases =
        List.of(
            new Case("not-an-id", "{\"title\":\"X\"}", 10001, "32 lowercase hex"),
            new Case(source.toUpperCase(java.util.Locale.ROOT), "{\"title\":\"X\"}", 10001, "32"),
            new Case(source, "{}", 10019, "missing title"),
            new Case(source, "{\"title\":null}", 10019, "missing title"),
            new Case(source, "{\"title\":\"  \"}", 10019, "missing title"),
            new Case(source, "{\"title\":7}", 10001, "title must be a string"),
            new Case(source, "{\"title\":\"X\",\"keys\":1}", 10001, "unknown field 'keys'"),
            new Case(source, "{\"title\":\"" + "t".repeat(513) + "\"}", 10001, "512"),
            new Case(source, "[\"X\"]", 10001, "JSON object"),
            new Case(source, "not json", 10001, ""));
    for (Case c : cases) {
      Reply r = server.postJson(fork(c.id()), c.body());
      assertThat(r.status()).as(c + " -> " + r).isEqualTo(400);
      assertThat(r.errorCode()).as(c.toString()).isEqualTo(c.code());
      assertThat(r.errorMessage()).as(c.toString()).contains(c.message());
    }
    assertThat(server.get(fork(source)).status()).isEqualTo(405);
    assertThat(titles()).containsExactly("SOURCE");
  }

  @Test
  void scopedTokens_forkOnlyWithinTheirAccounts_andNoTokenIsRefused() {
    server.put(TestServer.ns(source) + "/values/k", "v");

    Reply elsewhere =
        server.send(withToken(fork(source), "{\"title\":\"FORK\"}", SCOPED_ELSEWHERE));
    assertThat(elsewhere.status()).as(elsewhere.toString()).isEqualTo(403);
    assertThat(elsewhere.errorCode()).isEqualTo(10000);
    Reply anonymous = server.send(withToken(fork(source), "{\"title\":\"FORK\"}", null));
    assertThat(anonymous.status()).as(anonymous.toString()).isEqualTo(401);
    assertThat(titles()).containsExactly("SOURCE");

    Reply here = server.send(withToken(fork(source), "{\"title\":\"FORK\"}", SCOPED_HERE));
    assertThat(here.status()).as(here.toString()).isEqualTo(200);
    assertThat(server.get(TestServer.ns(here.result().path("id").asText()) + "/values/k").text())
        .isEqualTo("v");
  }

  HttpRequest withToken(String path, String body, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.origin() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b.build();
  }
}
