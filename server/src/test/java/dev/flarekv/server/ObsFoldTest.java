package dev.flarekv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.server.testkit.RawHttp;
import dev.flarekv.server.testkit.TestServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Header field line folding (obs-fold, a header line starting with a space or tab) is unfolded as
 * RFC 9112 section 5.2 allows, each fold read as one space, and no folding can produce an empty
 * credential that authenticates: a blank token can never be configured and an empty presented
 * credential never matches. Checked on both listeners with the probe's exact request.
 */
class ObsFoldTest {
  /**
   * The probe: "Bearer" then a continuation line of nothing but a space, which Netty joins into
   * {@code "Bearer "}.
   */
  static final String FOLDED_EMPTY = "Authorization: Bearer\r\n \r\n";

  @TempDir Path dir;
  TestServer server;
  String ns;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    ns = server.createNamespace("fold");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static String get(String path, String headers) {
    return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + headers + "\r\n";
  }

  @Test
  void foldedEmptyBearer_onRest_isNotAuthenticated() throws Exception {
    try (RawHttp http = new RawHttp(server.port())) {
      http.write(get("/client/v4/memberships", FOLDED_EMPTY));
      RawHttp.Response r = http.read();
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.text()).contains("\"success\":false").contains("\"code\":10000");
    }
  }

  @Test
  void foldedEmptyBearer_onBindingListener_isNotAuthenticated() throws Exception {
    try (RawHttp http = new RawHttp(server.bindingPort())) {
      http.write(get("/some-key", "X-Flarekv-Namespace: " + ns + "\r\n" + FOLDED_EMPTY));
      assertThat(http.read().status()).isEqualTo(401);
    }
  }

  @Test
  void foldedRealToken_isUnfoldedAsOneSpace() throws Exception {
    // RFC 9112: a recipient may replace each obs-fold with a space before reading the value
    String body = "unfolded";
    try (RawHttp http = new RawHttp(server.port())) {
      http.write(
          "PUT "
              + TestServer.ns(ns)
              + "/values/k HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer\r\n\t"
              + TestServer.TOKEN
              + "\r\nContent-Length: "
              + body.length()
              + "\r\n\r\n"
              + body);
      assertThat(http.read().status()).isEqualTo(200);
    }
    assertThat(server.get(TestServer.ns(ns) + "/values/k").text()).isEqualTo("unfolded");
  }

  @Test
  void pipelined_aFoldedEmptyBearerBetweenGoodRequests_isRefusedAlone() throws Exception {
    String auth = "Authorization: Bearer " + TestServer.TOKEN + "\r\n";
    try (RawHttp http = new RawHttp(server.port())) {
      http.write(
          get("/client/v4/memberships", auth)
              + get("/client/v4/memberships", FOLDED_EMPTY)
              + get("/client/v4/memberships", auth));
      List<RawHttp.Response> all = http.readAll(3);
      assertThat(all).extracting(RawHttp.Response::status).containsExactly(200, 401, 200);
    }
  }

  @Test
  void bodyLinesStartingWithSpaces_areNotHeaders() throws Exception {
    // a value and a chunked value whose lines start with blanks, each followed by a request
    String value = "{\n  \"a\": 1,\n\t\"b\": 2\n}\n \r\n \n";
    String auth = "Authorization: Bearer " + TestServer.TOKEN + "\r\n";
    String path = TestServer.ns(ns) + "/values/";
    String chunked = Integer.toHexString(value.length()) + "\r\n" + value + "\r\n0\r\n\r\n";
    try (RawHttp http = new RawHttp(server.port())) {
      http.write(
          "PUT "
              + path
              + "fixed HTTP/1.1\r\nHost: localhost\r\n"
              + auth
              + "Content-Length: "
              + value.length()
              + "\r\n\r\n"
              + value
              + "PUT "
              + path
              + "chunked HTTP/1.1\r\nHost: localhost\r\n"
              + auth
              + "Transfer-Encoding: chunked\r\n\r\n"
              + chunked
              + get(path + "fixed", auth));
      List<RawHttp.Response> all = http.readAll(3);
      assertThat(all).extracting(RawHttp.Response::status).containsExactly(200, 200, 200);
      assertThat(all.get(2).text()).isEqualTo(value);
    }
    assertThat(server.get(path + "chunked").text()).isEqualTo(value);
  }

  @Test
  void anEmptyToken_cannotBeConfigured() {
    // with "" accepted as a token, the folded "Bearer " above had all-accounts access
    for (String blank : List.of("", " ", "\t")) {
      assertThatThrownBy(() -> TestServer.start(dir.resolve("other"), List.of(blank)))
          .as("token '%s'", blank)
          .hasMessageContaining("empty or only whitespace");
    }
  }
}
