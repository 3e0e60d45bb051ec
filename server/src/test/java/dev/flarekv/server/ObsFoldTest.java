package dev.flarekv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.server.testkit.RawHttp;
import dev.flarekv.server.testkit.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Header field line folding (obs-fold, a header line starting with a space or tab) is refused with
 * 400 on both listeners before any authentication, so a folded {@code Authorization} can never turn
 * into an empty or a different credential; and an empty token can never be configured.
 */
class ObsFoldTest {
  /**
   * The probe: "Bearer" then a continuation line of nothing but a space, which Netty would join.
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

  private void assertRefusedOnRest(RawHttp.Response r) {
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text())
        .contains("\"success\":false")
        .contains("\"code\":10001")
        .contains("Header field line folding");
  }

  @Test
  void foldedEmptyBearer_onRest_is400Envelope_notAuthenticated_andCloses() throws Exception {
    try (RawHttp http = new RawHttp(server.port())) {
      http.write(get("/client/v4/memberships", FOLDED_EMPTY));
      RawHttp.Response r = http.read();
      assertRefusedOnRest(r);
      assertThat(r.headers()).contains("connection: close");
      assertThat(http.closedByServer(10_000)).isTrue();
    }
  }

  @Test
  void foldedEmptyBearer_onBindingListener_is400InItsOwnForm() throws Exception {
    try (RawHttp http = new RawHttp(server.bindingPort())) {
      http.write(get("/some-key", "X-Flarekv-Namespace: " + ns + "\r\n" + FOLDED_EMPTY));
      RawHttp.Response r = http.read();
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.reason()).startsWith("Header field line folding");
      assertThat(r.text()).startsWith("Header field line folding");
      assertThat(http.closedByServer(10_000)).isTrue();
    }
  }

  @Test
  void foldedRealToken_isRefusedToo_andWritesNothing() throws Exception {
    // joined, this would read "Bearer test-token-123" and pass: folding is refused, not unfolded
    String body = "must-not-be-written";
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
      assertRefusedOnRest(http.read());
    }
    assertThat(server.get(TestServer.ns(ns) + "/values/k").status()).isEqualTo(404);
  }

  @Test
  void aSpaceLineRightAfterTheRequestLine_isRefused() throws Exception {
    try (RawHttp http = new RawHttp(server.port())) {
      http.write(
          "GET /client/v4/memberships HTTP/1.1\r\n Authorization: Bearer "
              + TestServer.TOKEN
              + "\r\nHost: localhost\r\n\r\n");
      assertRefusedOnRest(http.read());
    }
  }

  @Test
  void aFoldSentOneByteAtATime_isStillFound() throws Exception {
    byte[] request =
        get("/client/v4/memberships", "Authorization: Bearer\r\n " + TestServer.TOKEN + "\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    try (RawHttp http = new RawHttp(server.port())) {
      for (byte b : request) {
        http.write(new byte[] {b});
      }
      assertRefusedOnRest(http.read());
    }
  }

  @Test
  void pipelined_theRequestsBeforeTheFoldAreAnswered_thenThe400() throws Exception {
    String auth = "Authorization: Bearer " + TestServer.TOKEN + "\r\n";
    try (RawHttp http = new RawHttp(server.port())) {
      http.write(
          get("/client/v4/memberships", auth)
              + get("/client/v4/memberships", FOLDED_EMPTY)
              + get("/client/v4/memberships", auth));
      List<RawHttp.Response> all = http.readAll(3);
      assertThat(all).hasSize(2);
      assertThat(all.get(0).status()).isEqualTo(200);
      assertRefusedOnRest(all.get(1));
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
