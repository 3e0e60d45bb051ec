package dev.flarekv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.server.auth.ScopedToken;
import dev.flarekv.server.auth.TokensFile;
import dev.flarekv.server.testkit.RawHttp;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.storage.testkit.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Tokens never reach the logs (slf4j-simple writes to System.err) or error messages. */
class TokenSecrecyTest {
  static final String ADMIN = "admin-Tk9vV3ryS3cr3t-0001";
  static final String SCOPED = "scoped-Zq8mN2pL-0002";
  static final String WRONG = "wrong-Xy7bH4kJ-0003";

  @TempDir Path dir;

  @Test
  void tokensNeverAppearInLogOutput_acrossGoodAndBadRequests() throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      try (TestServer server =
          TestServer.start(
              dir,
              List.of(ADMIN),
              new MutableClock(TestServer.NOW_SECONDS * 1000),
              c -> c.withScopedTokens(List.of(new ScopedToken(SCOPED, List.of("acct-a")))))) {
        LoggerFactory.getLogger(TokenSecrecyTest.class).warn("canary: capture works");
        String ns = "/client/v4/accounts/" + TestServer.ACCOUNT + "/storage/kv/namespaces";
        for (String token : List.of(ADMIN, SCOPED, WRONG, ADMIN + " ", "Basic " + ADMIN)) {
          for (String path :
              List.of(
                  ns,
                  ns + "/" + "0".repeat(32) + "/values/k",
                  ns + "/bad%C3%28/keys",
                  "/client/v4/memberships",
                  "/client/v4/nope",
                  "/client/v4/accounts/acct-a/storage/kv/namespaces")) {
            send(server, token, "GET", path, null);
            send(server, token, "PUT", path, "{\"deep\":" + "[".repeat(5000));
          }
          try (RawHttp http = new RawHttp(server.bindingPort())) {
            http.write(
                ("GET /k?urlencoded=true HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + token
                        + "\r\nX-Flarekv-Namespace: nope\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            http.read();
          }
          // the remote-proxy form carries the token in the query of the request line
          String query = "?access_token=" + TestServer.encodeURIComponent(token);
          for (String target :
              List.of(
                  "/ns/" + "0".repeat(32) + query,
                  "/ns/nope" + query,
                  "/ns/" + "0".repeat(32) + query + "&MF-Binding=KV")) {
            for (String mfUrl : List.of("https://fake-host/k?urlencoded=true", "nope")) {
              try (RawHttp http = new RawHttp(server.bindingPort())) {
                http.write(
                    ("GET "
                            + target
                            + " HTTP/1.1\r\nHost: x\r\nMF-URL: "
                            + mfUrl
                            + (target.endsWith("KV") ? "\r\nUpgrade: websocket" : "")
                            + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                http.read();
              }
            }
          }
          try (RawHttp http = new RawHttp(server.bindingPort())) {
            http.write(
                ("GET /ns/x" + query + " HTTP/9.9 junk\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            http.closedByServer(2000);
          }
          try (RawHttp http = new RawHttp(server.port())) {
            // a malformed request line carrying the token
            http.write(
                ("GET /" + token + " HTTP/9.9 junk\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            http.closedByServer(2000);
          }
        }
      }
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("canary: capture works");
    for (String secret : List.of(ADMIN, SCOPED, WRONG)) {
      assertThat(log).doesNotContain(secret);
    }
  }

  static void send(TestServer server, String token, String method, String path, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.origin() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", token.startsWith("Basic") ? token : "Bearer " + token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    server.send(b.build());
  }

  @Test
  void serverConfigAndScopedTokenToString_hideTokens() {
    ServerConfig c =
        ServerConfig.defaults()
            .withApiTokens(List.of(ADMIN))
            .withScopedTokens(List.of(new ScopedToken(SCOPED, List.of("a"))));
    assertThat(c.toString()).doesNotContain(ADMIN).doesNotContain(SCOPED).contains("1 configured");
    assertThat(new ScopedToken(SCOPED, List.of("a")).toString()).doesNotContain(SCOPED);
  }

  @Test
  void tokensFile_parsesTokensAccountsCommentsAndBlankLines() throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(
        file,
        "# team tokens\n\n"
            + SCOPED
            + " acct-a\n"
            + "  "
            + ADMIN
            + "\tacct-b,acct-c,acct-b   \n"
            + "   # indented comment\n");
    List<ScopedToken> tokens = TokensFile.read(file);
    assertThat(tokens).hasSize(2);
    assertThat(tokens.get(0).token()).isEqualTo(SCOPED);
    assertThat(tokens.get(0).accounts()).containsExactly("acct-a");
    assertThat(tokens.get(1).token()).isEqualTo(ADMIN);
    assertThat(tokens.get(1).accounts()).containsExactly("acct-b", "acct-c");
  }

  @Test
  void tokensFile_malformedLines_nameFileAndLine_neverTheToken() throws Exception {
    String[][] cases = {
      {SCOPED, "line 2: expected '<token> <account-id>[,<account-id>...]' (2 fields), found 1"},
      {SCOPED + " acct-a extra", "line 2: expected"},
      {SCOPED + " acct-a,", "line 2: empty account id"},
      {SCOPED + " acct/a", "line 2: invalid account id 'acct/a'"},
      {SCOPED + " a\n" + SCOPED + " b", "line 3: this token is already listed"},
    };
    for (String[] c : cases) {
      Path file = dir.resolve("t" + c[1].hashCode());
      Files.writeString(file, "# header\n" + c[0] + "\n");
      assertThatThrownBy(() -> TokensFile.read(file))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("tokens file " + file + " ")
          .hasMessageContaining(c[1])
          .message()
          .doesNotContain(SCOPED);
    }
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> TokensFile.read(missing))
        .hasMessage("tokens file " + missing + " does not exist");
  }
}
