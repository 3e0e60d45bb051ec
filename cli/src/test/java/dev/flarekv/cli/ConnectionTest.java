package dev.flarekv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.server.testkit.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** --url / --api-token / --account-id, their environment defaults, and connection failures. */
class ConnectionTest extends CliServerTest {
  @TempDir Path cwd;
  CliHarness cli;

  @BeforeEach
  void setUp() {
    cli = new CliHarness(server, cwd);
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void unreachableServer_oneLineExit1() throws IOException {
    String url = "http://127.0.0.1:" + closedPort();
    for (String[] args :
        new String[][] {
          {"namespace", "list", "--url", url},
          {"key", "get", "k", "--namespace-id", "x", "--url", url},
          {"namespace", "create", "n", "--url", url + "/client/v4"},
        }) {
      CliHarness.Run run = cli.kv(args);
      assertThat(run.code()).isEqualTo(1);
      assertThat(run.err()).isEqualTo("flarekv: cannot reach flarekv at " + url + "/client/v4\n");
      // namespace create announces the title first, as wrangler does
      assertThat(run.out()).doesNotContain("[").doesNotContain("Success");
    }
  }

  @Test
  void unreachable_duringAccountDiscovery() throws IOException {
    String url = "http://127.0.0.1:" + closedPort();
    CliHarness.Run run =
        cli.env("CLOUDFLARE_ACCOUNT_ID", null).kv("namespace", "list", "--url", url);
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("flarekv: cannot reach flarekv at " + url + "/client/v4\n");
  }

  @Test
  void badToken_exit1() {
    CliHarness.Run run = cli.kv("namespace", "list", "--api-token", "wrong");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("flarekv: Authentication error [code: 10000]: check --api-token");
    assertThat(run.err().lines()).hasSize(1);
    CliHarness.Run noToken = cli.env("CLOUDFLARE_API_TOKEN", null).kv("namespace", "list");
    assertThat(noToken.code()).isEqualTo(1);
    assertThat(noToken.err()).contains("[code: 10000]");
  }

  @Test
  void tokenFallsBackToFlarekvApiToken() {
    cli.env("CLOUDFLARE_API_TOKEN", null).env("FLAREKV_API_TOKEN", TestServer.TOKEN);
    assertThat(cli.kv("namespace", "list").code()).isZero();
  }

  @Test
  void accountDiscoveredThroughMemberships() {
    String id = server.createNamespace("discovered");
    CliHarness.Run run = cli.env("CLOUDFLARE_ACCOUNT_ID", null).kv("namespace", "list");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).contains(id);
  }

  @Test
  void accountIdFlag_winsOverEnvironment() {
    CliHarness.Run run = cli.kv("namespace", "list", "--account-id", "elsewhere");
    assertThat(run.out()).isEqualTo("[]\n");
  }

  @Test
  void urlSources_flagThenFlarekvUrlThenCloudflareBase() throws IOException {
    String dead = "http://127.0.0.1:" + closedPort();
    cli.env("CLOUDFLARE_API_BASE_URL", dead + "/client/v4");
    assertThat(cli.kv("namespace", "list").err()).contains(dead);
    cli.env("FLAREKV_URL", server.origin());
    assertThat(cli.kv("namespace", "list").code()).isZero();
    cli.env("FLAREKV_URL", dead);
    assertThat(cli.kv("namespace", "list", "--url", server.origin() + "/").code()).isZero();
  }

  @Test
  void invalidUrl_oneLine() {
    CliHarness.Run run = cli.kv("namespace", "list", "--url", "ftp://x");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).startsWith("flarekv: invalid --url");
  }

  @ParameterizedTest
  @CsvSource({
    "http://127.0.0.1:8790, http://127.0.0.1:8790/client/v4",
    "http://127.0.0.1:8790/, http://127.0.0.1:8790/client/v4",
    "http://h:1/client/v4, http://h:1/client/v4",
    "http://h:1/client/v4/, http://h:1/client/v4",
    "https://kv.example.com/proxy, https://kv.example.com/proxy/client/v4",
  })
  void normalize_appendsApiPathOnce(String raw, String expected) {
    assertThat(ConnectionOptions.normalize(raw)).isEqualTo(expected);
  }

  @Test
  void normalize_rejectsNonHttp() {
    for (String bad : List.of("127.0.0.1:8790", "ftp://h", "http://", "not a url")) {
      assertThatThrownBy(() -> ConnectionOptions.normalize(bad)).isInstanceOf(UserError.class);
    }
  }

  @Test
  void defaults_whenNothingIsSet() {
    ConnectionOptions options = new ConnectionOptions();
    CliIo io =
        new CliIo(System.out, System.in, Map.of("CF_API_BASE_URL", "http://old:1"), cwd, false);
    assertThat(options.baseUrl(io)).isEqualTo("http://old:1/client/v4");
    io = new CliIo(System.out, System.in, Map.of(), cwd, false);
    assertThat(options.baseUrl(io)).isEqualTo("http://127.0.0.1:8790/client/v4");
    assertThat(options.token(io)).isNull();
  }
}
