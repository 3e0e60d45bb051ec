package dev.flarekv.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.server.auth.ScopedToken;
import dev.flarekv.server.testkit.Engine;
import dev.flarekv.server.testkit.RawHttp;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import dev.flarekv.storage.testkit.MutableClock;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Account isolation over real HTTP: scoped tokens (--tokens-file) against all-accounts tokens. */
class IsolationTest {
  static final String A = "acct-a";
  static final String B = "acct-b";
  static final String C = "acct-c";
  static final String ADMIN = TestServer.TOKEN;
  static final String TOKEN_A = "scoped-a-5d41402abc4b2a76";
  static final String TOKEN_AC = "scoped-ac-7d793037a0760186";

  @TempDir Path dir;
  TestServer server;
  String nsA;
  String nsB;

  /** The storage engine of this class's servers; {@code CassandraIsolationTest} overrides it. */
  Engine engine() {
    return Engine.ROCKSDB;
  }

  @BeforeEach
  void start() {
    engine().reset();
    server =
        TestServer.start(
            dir,
            List.of(ADMIN),
            new MutableClock(TestServer.NOW_SECONDS * 1000),
            c ->
                engine()
                    .configure(
                        c.withScopedTokens(
                            List.of(
                                new ScopedToken(TOKEN_A, List.of(A)),
                                new ScopedToken(TOKEN_AC, List.of(A, C))))));
    nsA = create(ADMIN, A, "in-a");
    nsB = create(ADMIN, B, "in-b");
    assertThat(call(ADMIN, "PUT", values(B, nsB, "secret"), "b-value").status()).isEqualTo(200);
    assertThat(call(ADMIN, "PUT", values(A, nsA, "mine"), "a-value").status()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static String namespaces(String account) {
    return "/client/v4/accounts/" + account + "/storage/kv/namespaces";
  }

  static String values(String account, String ns, String key) {
    return namespaces(account) + "/" + ns + "/values/" + key;
  }

  String create(String token, String account, String title) {
    Reply r = call(token, "POST", namespaces(account), "{\"title\":\"" + title + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.result().path("id").asText();
  }

  Reply call(String token, String method, String path, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.origin() + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null && (body.startsWith("{") || body.startsWith("["))) {
      b.header("Content-Type", "application/json");
    }
    return server.send(b.build());
  }

  /** Every REST operation on account B, as (method, path, body). */
  List<String[]> everyOperationOnB() {
    String ns = namespaces(B) + "/" + nsB;
    List<String[]> ops = new ArrayList<>();
    ops.add(new String[] {"GET", namespaces(B), null});
    ops.add(new String[] {"POST", namespaces(B), "{\"title\":\"intruder\"}"});
    ops.add(new String[] {"GET", ns, null});
    ops.add(new String[] {"PUT", ns, "{\"title\":\"renamed\"}"});
    ops.add(new String[] {"DELETE", ns, null});
    ops.add(new String[] {"GET", ns + "/keys", null});
    ops.add(new String[] {"GET", ns + "/values/secret", null});
    ops.add(new String[] {"PUT", ns + "/values/secret", "overwritten"});
    ops.add(new String[] {"DELETE", ns + "/values/secret", null});
    ops.add(new String[] {"GET", ns + "/metadata/secret", null});
    ops.add(new String[] {"PUT", ns + "/bulk", "[{\"key\":\"secret\",\"value\":\"x\"}]"});
    ops.add(new String[] {"POST", ns + "/bulk/delete", "[\"secret\"]"});
    ops.add(new String[] {"DELETE", ns + "/bulk", "[\"secret\"]"});
    ops.add(new String[] {"POST", ns + "/bulk/get", "{\"keys\":[\"secret\"]}"});
    // a namespace that does not exist answers 403 too: nothing about B leaks
    ops.add(new String[] {"GET", namespaces(B) + "/" + "0".repeat(32) + "/keys", null});
    return ops;
  }

  @Test
  void scopedToken_cannotReadListWriteOrDeleteInAnotherAccount() {
    for (String token : List.of(TOKEN_A, TOKEN_AC)) {
      for (String[] op : everyOperationOnB()) {
        Reply r = call(token, op[0], op[1], op[2]);
        assertThat(r.status()).as(op[0] + " " + op[1]).isEqualTo(403);
        JsonNode json = r.json();
        assertThat(json.path("success").asBoolean(true)).isFalse();
        assertThat(r.errorCode()).isEqualTo(10000);
        assertThat(json.path("result").isNull()).isTrue();
        assertThat(r.errorMessage()).startsWith("Authentication error");
      }
    }
    // B is untouched
    Reply secret = call(ADMIN, "GET", values(B, nsB, "secret"), null);
    assertThat(secret.status()).isEqualTo(200);
    assertThat(secret.text()).isEqualTo("b-value");
    Reply list = call(ADMIN, "GET", namespaces(B), null);
    assertThat(list.result()).hasSize(1);
    assertThat(list.result().path(0).path("title").asText()).isEqualTo("in-b");
  }

  @Test
  void scopedToken_worksInItsOwnAccounts() {
    assertThat(call(TOKEN_A, "GET", values(A, nsA, "mine"), null).text()).isEqualTo("a-value");
    assertThat(call(TOKEN_A, "PUT", values(A, nsA, "k"), "v").status()).isEqualTo(200);
    assertThat(call(TOKEN_A, "GET", namespaces(A) + "/" + nsA + "/keys", null).result()).hasSize(2);
    assertThat(call(TOKEN_A, "DELETE", values(A, nsA, "k"), null).status()).isEqualTo(200);
    String nsC = create(TOKEN_AC, C, "in-c");
    assertThat(call(TOKEN_AC, "PUT", values(C, nsC, "k"), "c").status()).isEqualTo(200);
    // ...but TOKEN_A does not reach C
    assertThat(call(TOKEN_A, "GET", values(C, nsC, "k"), null).status()).isEqualTo(403);
    assertThat(call(TOKEN_A, "GET", namespaces(C), null).status()).isEqualTo(403);
  }

  @Test
  void namespaceIdOfAnotherAccount_underOwnAccount_isNotFound() {
    // a namespace belongs to the account it was created under; B's id under A is unknown
    Reply r = call(TOKEN_A, "GET", namespaces(A) + "/" + nsB + "/values/secret", null);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo(10013);
  }

  @Test
  void allAccountsToken_reachesEveryAccount() {
    assertThat(call(ADMIN, "GET", values(A, nsA, "mine"), null).text()).isEqualTo("a-value");
    assertThat(call(ADMIN, "GET", values(B, nsB, "secret"), null).text()).isEqualTo("b-value");
    create(ADMIN, C, "admin-made");
  }

  @Test
  void unknownToken_is401_notForbidden() {
    for (String token : new String[] {"nope", TOKEN_A + "x", null}) {
      Reply r = call(token, "GET", namespaces(A), null);
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.errorCode()).isEqualTo(10000);
    }
  }

  @Test
  void memberships_listTheTokensAccounts() {
    assertThat(accountIds(call(TOKEN_A, "GET", "/client/v4/memberships", null))).containsExactly(A);
    assertThat(accountIds(call(TOKEN_AC, "GET", "/client/v4/memberships", null)))
        .containsExactly(A, C);
    assertThat(accountIds(call(ADMIN, "GET", "/client/v4/memberships", null)))
        .containsExactly(TestServer.ACCOUNT);
    Reply accounts = call(TOKEN_AC, "GET", "/client/v4/accounts", null);
    List<String> ids = new ArrayList<>();
    accounts.result().forEach(a -> ids.add(a.path("id").asText()));
    assertThat(ids).containsExactly(A, C);
    Reply paged = call(TOKEN_AC, "GET", "/client/v4/memberships?per_page=5&page=2", null);
    assertThat(paged.result()).isEmpty();
    assertThat(paged.json().path("result_info").path("total_count").asInt()).isEqualTo(2);
  }

  static List<String> accountIds(Reply r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    r.result().forEach(m -> ids.add(m.path("account").path("id").asText()));
    return ids;
  }

  RawHttp.Response binding(String token, String ns, String method, String target, String body)
      throws Exception {
    try (RawHttp http = new RawHttp(server.bindingPort())) {
      StringBuilder req = new StringBuilder();
      req.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: x\r\n");
      req.append("Authorization: Bearer ").append(token).append("\r\n");
      if (ns != null) {
        req.append("X-Flarekv-Namespace: ").append(ns).append("\r\n");
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      req.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
      http.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      http.write(bytes);
      return http.read();
    }
  }

  @Test
  void bindingListener_scopedTokenReachesOnlyItsAccountsNamespaces() throws Exception {
    String[][] ops = {
      {"GET", "/secret?urlencoded=true", ""},
      {"PUT", "/secret?urlencoded=true", "overwritten"},
      {"DELETE", "/secret?urlencoded=true", ""},
      {"GET", "/?key_count_limit=1000", ""},
      {"POST", "/bulk/get", "{\"keys\":[\"secret\"]}"},
    };
    for (String[] op : ops) {
      RawHttp.Response r = binding(TOKEN_A, nsB, op[0], op[1], op[2]);
      assertThat(r.status()).as(op[0] + " " + op[1]).isEqualTo(403);
      assertThat(r.reason()).contains("Forbidden").contains("may not access");
    }
    RawHttp.Response own = binding(TOKEN_A, nsA, "GET", "/mine?urlencoded=true", "");
    assertThat(own.status()).isEqualTo(200);
    assertThat(own.text()).isEqualTo("a-value");
    RawHttp.Response admin = binding(ADMIN, nsB, "GET", "/secret?urlencoded=true", "");
    assertThat(admin.text()).isEqualTo("b-value");
    assertThat(call(ADMIN, "GET", values(B, nsB, "secret"), null).text()).isEqualTo("b-value");
  }

  @Test
  void bindingListener_defaultNamespaceOfAnotherAccount_isForbiddenAndNotCreated(
      @TempDir Path other) throws Exception {
    try (TestServer s =
        TestServer.start(
            other,
            List.of(ADMIN),
            new MutableClock(TestServer.NOW_SECONDS * 1000),
            c ->
                engine()
                    .configure(
                        c.withBindingNamespace("shared")
                            .withScopedTokens(List.of(new ScopedToken(TOKEN_A, List.of(A))))))) {
      TestServer previous = server;
      server = s;
      try {
        RawHttp.Response r = binding(TOKEN_A, null, "GET", "/k?urlencoded=true", "");
        assertThat(r.status()).isEqualTo(403);
        assertThat(call(ADMIN, "GET", namespaces(TestServer.ACCOUNT), null).result()).isEmpty();
        assertThat(binding(ADMIN, null, "GET", "/k?urlencoded=true", "").status()).isEqualTo(404);
      } finally {
        server = previous;
      }
    }
  }
}
