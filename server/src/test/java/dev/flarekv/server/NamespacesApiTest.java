package dev.flarekv.server;

import static dev.flarekv.server.testkit.TestServer.ns;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.server.testkit.Engine;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A1-A5 and conformance cases 71-75. */
class NamespacesApiTest {
  @TempDir Path dir;
  TestServer server;

  /**
   * The storage engine of this class's servers; {@code CassandraNamespacesApiTest} overrides it.
   */
  Engine engine() {
    return Engine.ROCKSDB;
  }

  @BeforeEach
  void start() {
    engine().reset();
    server = TestServer.start(dir, engine());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void create_returnsHexIdAndTitle() {
    Reply r = server.postJson(ns(), "{\"title\":\"trace-ns\"}");
    assertThat(r.status()).isEqualTo(200);
    JsonNode body = r.json();
    assertThat(body.path("success").asBoolean()).isTrue();
    assertThat(body.path("errors").isArray()).isTrue();
    assertThat(body.path("messages").isArray()).isTrue();
    assertThat(body.path("result").path("id").asText()).matches("^[0-9a-f]{32}$");
    assertThat(body.path("result").path("title").asText()).isEqualTo("trace-ns");
    assertThat(body.path("result").path("supports_url_encoding").asBoolean()).isTrue();
  }

  @Test
  void create_duplicateTitle_is400With10014() {
    server.createNamespace("t");
    Reply r = server.postJson(ns(), "{\"title\":\"t\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().path("success").asBoolean()).isFalse();
    assertThat(r.json().path("result").isNull()).isTrue();
    assertThat(r.errorCode()).isEqualTo(10014);
    assertThat(r.errorMessage())
        .isEqualTo("a namespace with this account ID and title already exists");
  }

  @Test
  void create_missingTitle_is400() {
    Reply r = server.postJson(ns(), "{}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo(10019);
  }

  @Test
  void create_badJson_is400AndCreatesNothing() {
    Reply r = server.postJson(ns(), "{\"title\":");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo(10001);
    assertThat(server.get(ns()).result().size()).isZero();
  }

  @Test
  void list_pagesByTitle_andEmptyPagePastTheEnd() {
    List<String> titles = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      titles.add(String.format("ns-%03d", 99 - i));
    }
    for (String t : titles) {
      server.createNamespace(t);
    }
    Reply page1 = server.get(ns() + "?per_page=100&page=1&order=title&direction=asc");
    assertThat(page1.status()).isEqualTo(200);
    JsonNode result = page1.result();
    assertThat(result.size()).isEqualTo(100);
    for (int i = 0; i < 100; i++) {
      assertThat(result.get(i).path("title").asText()).isEqualTo(String.format("ns-%03d", i));
    }
    JsonNode info = page1.json().path("result_info");
    assertThat(info.path("page").asInt()).isEqualTo(1);
    assertThat(info.path("per_page").asInt()).isEqualTo(100);
    assertThat(info.path("count").asInt()).isEqualTo(100);
    assertThat(info.path("total_count").asInt()).isEqualTo(100);

    Reply page2 = server.get(ns() + "?per_page=100&page=2&order=title&direction=asc");
    assertThat(page2.status()).isEqualTo(200);
    assertThat(page2.result().isArray()).isTrue();
    assertThat(page2.result().size()).isZero();

    Reply desc = server.get(ns() + "?per_page=3&order=title&direction=desc");
    assertThat(desc.result().get(0).path("title").asText()).isEqualTo("ns-099");
    assertThat(server.get(ns()).result().size()).isEqualTo(20); // default per_page
  }

  @Test
  void list_rejectsBadPaging() {
    assertThat(server.get(ns() + "?page=0").status()).isEqualTo(400);
    assertThat(server.get(ns() + "?per_page=1001").status()).isEqualTo(400);
    assertThat(server.get(ns() + "?per_page=abc").status()).isEqualTo(400);
    assertThat(server.get(ns() + "?order=size").status()).isEqualTo(400);
    assertThat(server.get(ns() + "?direction=up").status()).isEqualTo(400);
  }

  @Test
  void get_renameKeepsIdAndKeys() {
    String id = server.createNamespace("old");
    server.put(TestServer.ns(id) + "/values/k", "v");
    Reply renamed = server.putJson(TestServer.ns(id), "{\"title\":\"new\"}");
    assertThat(renamed.status()).isEqualTo(200);
    assertThat(renamed.result().path("id").asText()).isEqualTo(id);
    assertThat(renamed.result().path("title").asText()).isEqualTo("new");
    Reply got = server.get(TestServer.ns(id));
    assertThat(got.result().path("title").asText()).isEqualTo("new");
    assertThat(server.get(TestServer.ns(id) + "/values/k").text()).isEqualTo("v");
  }

  @Test
  void rename_toTakenTitle_is10014() {
    server.createNamespace("a");
    String b = server.createNamespace("b");
    Reply r = server.putJson(TestServer.ns(b), "{\"title\":\"a\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo(10014);
  }

  @Test
  void delete_removesNamespaceAndKeys_thenKeysRouteIs10013() {
    String id = server.createNamespace("gone");
    server.put(TestServer.ns(id) + "/values/k", "v");
    Reply deleted = server.delete(TestServer.ns(id));
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().path("success").asBoolean()).isTrue();
    Reply keys = server.get(TestServer.ns(id) + "/keys");
    assertThat(keys.status()).isEqualTo(404);
    assertThat(keys.errorCode()).isEqualTo(10013);
    assertThat(server.get(TestServer.ns(id)).errorCode()).isEqualTo(10013);
    assertThat(server.delete(TestServer.ns(id)).status()).isEqualTo(404);
  }

  @Test
  void unknownNamespace_is10013OnEveryRoute() {
    String missing = "0123456789abcdef0123456789abcdef";
    String base = TestServer.ns(missing);
    for (Reply r :
        List.of(
            server.get(base),
            server.putJson(base, "{\"title\":\"x\"}"),
            server.get(base + "/keys"),
            server.get(base + "/values/k"),
            server.put(base + "/values/k", "v"),
            server.delete(base + "/values/k"),
            server.get(base + "/metadata/k"),
            server.putJson(base + "/bulk", "[{\"key\":\"a\",\"value\":\"b\"}]"),
            server.postJson(base + "/bulk/delete", "[\"a\"]"),
            server.postJson(base + "/bulk/get", "{\"keys\":[\"a\"]}"))) {
      assertThat(r.status()).as(r.toString()).isEqualTo(404);
      assertThat(r.errorCode()).as(r.toString()).isEqualTo(10013);
    }
  }

  @Test
  void namespaceOfAnotherAccount_isInvisible() {
    String id = server.createNamespace("mine");
    String other = "/client/v4/accounts/other-account/storage/kv/namespaces";
    assertThat(server.get(other).result().size()).isZero();
    assertThat(server.get(other + "/" + id).errorCode()).isEqualTo(10013);
    assertThat(server.put(other + "/" + id + "/values/k", "v").errorCode()).isEqualTo(10013);
    assertThat(server.delete(other + "/" + id).errorCode()).isEqualTo(10013);
    assertThat(server.get(TestServer.ns(id)).status()).isEqualTo(200);
    // the same title may exist in two accounts
    assertThat(server.postJson(other, "{\"title\":\"mine\"}").status()).isEqualTo(200);
  }

  @Test
  void malformedNamespaceId_isNoRoute() {
    Reply r = server.get(TestServer.ns("not-hex"));
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo(7003);
  }
}
