package dev.flarekv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.server.auth.ScopedToken;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.storage.testkit.MutableClock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flarekv kv namespace fork} against a real server with a scoped token too. */
class NamespaceForkCommandTest {
  static final String SCOPED_ELSEWHERE = "scoped-token-for-another-account";
  private static final Pattern ID = Pattern.compile("id = \"([0-9a-f]{32})\"");

  @TempDir static Path data;
  static TestServer server;

  @TempDir Path cwd;
  CliHarness cli;
  String source;

  @BeforeAll
  static void startServer() {
    server =
        TestServer.start(
            data,
            List.of(TestServer.TOKEN),
            new MutableClock(TestServer.NOW_SECONDS * 1000),
            c ->
                c.withScopedTokens(
                    List.of(new ScopedToken(SCOPED_ELSEWHERE, List.of("other-account")))));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void setUp() {
    cli = new CliHarness(server, cwd);
    source = server.createNamespace("src-" + System.nanoTime());
  }

  List<String> titles() {
    List<String> titles = new ArrayList<>();
    server
        .get(TestServer.ns() + "?per_page=1000")
        .result()
        .forEach(n -> titles.add(n.path("title").asText()));
    return titles;
  }

  JsonNode keys(String id) {
    return server.get(TestServer.ns(id) + "/keys").result();
  }

  @Test
  void fork_printsTheNewIdLikeCreate_andCopiesLiveKeysWithMetadataAndExpiration() {
    long now = server.clock().seconds();
    String items =
        "[{\"key\":\"a\",\"value\":\"1\",\"metadata\":{\"m\":1}},"
            + "{\"key\":\"b\",\"value\":\"2\",\"expiration\":"
            + (now + 3600)
            + "},{\"key\":\"gone\",\"value\":\"3\",\"expiration\":"
            + (now + 60)
            + "}]";
    assertThat(server.putJson(TestServer.ns(source) + "/bulk", items).status()).isEqualTo(200);
    server.clock().advanceSeconds(60); // "gone" expires

    CliHarness.Run run =
        cli.kv("namespace", "fork", "--namespace-id", source, "--title", "my-fork");

    assertThat(run.code()).as(run.toString()).isZero();
    Matcher m = ID.matcher(run.out());
    assertThat(m.find()).as(run.out()).isTrue();
    String id = m.group(1);
    assertThat(run.out())
        .isEqualTo(
            "\uD83C\uDF00 Forking namespace "
                + source
                + " into a new namespace with title \"my-fork\"\n"
                + "\u2728 Success!\n"
                + "To access your new KV Namespace in your Worker, add the following snippet to"
                + " your configuration file:\n"
                + "[[kv_namespaces]]\n"
                + "binding = \"my_fork\"\n"
                + "id = \""
                + id
                + "\"\n");
    assertThat(titles()).contains("my-fork");
    JsonNode copied = keys(id);
    assertThat(copied).isEqualTo(keys(source));
    assertThat(copied).extracting(k -> k.path("name").asText()).containsExactly("a", "b");
    assertThat(copied.get(0).path("metadata").path("m").asInt()).isEqualTo(1);
    assertThat(copied.get(1).path("expiration").asLong()).isEqualTo(now + 3600);
    assertThat(server.get(TestServer.ns(id) + "/values/a").text()).isEqualTo("1");

    // independent after the fork
    server.put(TestServer.ns(id) + "/values/a", "fork only");
    assertThat(server.get(TestServer.ns(source) + "/values/a").text()).isEqualTo("1");
  }

  @Test
  void forkOntoAnExistingTitle_failsWithTheReason_andCreatesNothing() {
    server.createNamespace("taken-" + source);
    List<String> before = titles();

    CliHarness.Run run =
        cli.kv("namespace", "fork", "--namespace-id", source, "--title", "taken-" + source);

    assertThat(run.code()).as(run.toString()).isNotZero();
    assertThat(run.err()).contains("already exists");
    assertThat(titles()).containsExactlyInAnyOrderElementsOf(before);
  }

  @Test
  void forkOfAnUnknownOrMalformedId_failsWithTheServersMessage() {
    List<String> before = titles();
    CliHarness.Run unknown =
        cli.kv("namespace", "fork", "--namespace-id", "f".repeat(32), "--title", "x");
    assertThat(unknown.code()).as(unknown.toString()).isNotZero();
    assertThat(unknown.err()).contains("no namespace with id " + "f".repeat(32), "10013");

    CliHarness.Run bad = cli.kv("namespace", "fork", "--namespace-id", "../modes", "--title", "x");
    assertThat(bad.code()).as(bad.toString()).isNotZero();
    assertThat(bad.err()).contains("32 lowercase hex", "10001");

    CliHarness.Run noTitle = cli.kv("namespace", "fork", "--namespace-id", source);
    assertThat(noTitle.code()).isNotZero();
    assertThat(noTitle.err()).contains("--title");
    assertThat(titles()).containsExactlyInAnyOrderElementsOf(before);
  }

  @Test
  void aTokenScopedToAnotherAccount_isRefused() {
    List<String> before = titles();
    CliHarness.Run run =
        cli.kv(
            "namespace",
            "fork",
            "--namespace-id",
            source,
            "--title",
            "x",
            "--api-token",
            SCOPED_ELSEWHERE);
    assertThat(run.code()).as(run.toString()).isNotZero();
    assertThat(run.err()).contains("may not access the account");
    assertThat(titles()).containsExactlyInAnyOrderElementsOf(before);
  }
}
