package dev.flarekv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.client.KvClient;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.server.testkit.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flarekv kv pull} and {@code kv push} between two real servers: {@code local} is the one
 * the usual connection flags name, {@code remote} stands in for Cloudflare's API.
 */
class PullPushTest {
  @TempDir Path cwd;
  @TempDir Path localData;
  @TempDir Path remoteData;
  TestServer local;
  TestServer remote;
  CliHarness cli;
  long now;

  @BeforeEach
  void start() {
    local = ExportImportTest.start(localData);
    remote = ExportImportTest.start(remoteData);
    cli = new CliHarness(local, cwd);
    now = System.currentTimeMillis() / 1000;
  }

  @AfterEach
  void stop() {
    local.close();
    remote.close();
  }

  /** {@code kv pull} from the remote, fast retries, small pages, then {@code extra}. */
  CliHarness.Run pull(String source, String... extra) {
    return cli.kv(
        concat(
            List.of(
                "pull",
                "--from-url",
                remote.origin(),
                "--from-token",
                TestServer.TOKEN,
                "--from-account",
                TestServer.ACCOUNT,
                "--namespace-id",
                source,
                "--page-size",
                "10",
                "--retry-delay",
                "5"),
            extra));
  }

  CliHarness.Run push(String source, String... extra) {
    return cli.kv(
        concat(
            List.of(
                "push",
                "--to-url",
                remote.origin() + "/client/v4",
                "--to-token",
                TestServer.TOKEN,
                "--to-account",
                TestServer.ACCOUNT,
                "--namespace-id",
                source,
                "--page-size",
                "10",
                "--retry-delay",
                "5"),
            extra));
  }

  static String[] concat(List<String> base, String... extra) {
    List<String> all = new java.util.ArrayList<>(base);
    all.addAll(List.of(extra));
    return all.toArray(String[]::new);
  }

  static KvClient client(TestServer server) {
    return ExportImportTest.client(server);
  }

  static List<Namespace> namespaces(TestServer server) {
    return client(server).listNamespaces(1, 100);
  }

  static String idOf(TestServer server, String title) {
    List<Namespace> found =
        namespaces(server).stream().filter(n -> n.title().equals(title)).toList();
    assertThat(found).as("namespaces titled " + title).hasSize(1);
    return found.get(0).id();
  }

  /** {@code n} text keys {@code k000...}. */
  static void fill(KvClient client, String ns, int n) {
    StringBuilder bulk = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      bulk.append(i == 0 ? "" : ",")
          .append("{\"key\":\"k")
          .append(String.format("%03d", i))
          .append("\",\"value\":\"v")
          .append(i)
          .append("\"}");
    }
    client.bulkPut(ns, KvJson.parse(bulk.append("]").toString().getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void pullThenPush_roundTrip_equalsTheSource() {
    KvClient r = client(remote);
    String source = remote.createNamespace("source");
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
    }
    r.putValue(source, "binary", all, null, null, null);
    r.putValue(
        source, "bin-meta", new byte[] {(byte) 0xff, 0}, "{\"kind\":\"bin\"}", now + 900, null);
    // text that really holds U+FFFD stays text
    r.putValue(
        source, "replacement", "a\uFFFDb".getBytes(StandardCharsets.UTF_8), null, null, null);
    r.putValue(source, "text", "héllo ✓ 🌍".getBytes(StandardCharsets.UTF_8), null, null, null);
    r.putValue(source, "empty", new byte[0], null, null, null);
    r.putValue(
        source, "meta", "v".getBytes(StandardCharsets.UTF_8), "{\"n\":[1,2.5]}", now + 3600, null);
    r.putValue(source, "meta-string", new byte[] {'s'}, "\"just text\"", null, null);
    r.putValue(source, "key/with spaces?&é", new byte[] {'k'}, null, null, null);
    fill(r, source, 25); // several pages of 10
    Map<String, String> expected = ExportImportTest.dump(r, source);
    assertThat(expected).hasSize(33);

    CliHarness.Run pulled = pull(source, "--title", "copy");
    assertThat(pulled.code()).as(pulled.toString()).isZero();
    String copy = idOf(local, "copy");
    assertThat(pulled.out().strip())
        .isEqualTo(
            "Pulled 33 key(s) from "
                + source
                + " into "
                + copy
                + ": 2 as base64, skipped 0 expiring within 60 s, 0 deleted meanwhile,"
                + " 4 page(s), 0 retried request(s)");
    assertThat(pulled.err()).isEmpty();
    assertThat(ExportImportTest.dump(client(local), copy)).containsExactlyEntriesOf(expected);
    assertThat(Files.exists(cwd.resolve(".flarekv/pull-" + source + ".json"))).isFalse();

    CliHarness.Run pushed = push(copy, "--title", "back");
    assertThat(pushed.code()).as(pushed.toString()).isZero();
    assertThat(pushed.out()).startsWith("Pushed 33 key(s) from " + copy);
    String back = idOf(remote, "back");
    assertThat(ExportImportTest.dump(r, back)).containsExactlyEntriesOf(expected);
  }

  @Test
  void keysExpiringWithin60sOfTheTargetsClock_areSkippedAndCounted() {
    KvClient r = client(remote);
    String source = remote.createNamespace("source");
    r.putValue(source, "soon", new byte[] {'s'}, null, now + 3600, null);
    r.putValue(source, "later", new byte[] {'l'}, null, now + 7200, null);
    r.putValue(source, "never", new byte[] {'n'}, null, null, null);
    // by the target's (emulated) clock "soon" has 50 s left
    assertThat(local.postJson("/flarekv/v1/clock", "{\"advance\":3550}").status()).isEqualTo(200);
    String target = local.createNamespace("target");

    CliHarness.Run run = pull(source, "--to-namespace-id", target);
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).contains("Pulled 2 key(s)").contains("skipped 1 expiring within 60 s");
    KvClient l = client(local);
    assertThat(l.getValue(target, "soon")).isEmpty();
    assertThat(l.getValue(target, "later")).isPresent();
    assertThat(l.getValue(target, "never")).isPresent();
  }

  @Test
  void a429FromTheRemote_isRetried_andThePullCompletes() {
    KvClient r = client(remote);
    String source = remote.createNamespace("source");
    fill(r, source, 25);
    assertThat(remote.postJson("/flarekv/v1/faults", "{\"status\":429,\"count\":3}").status())
        .isEqualTo(200);

    CliHarness.Run run = pull(source, "--title", "copy");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).contains("Pulled 25 key(s)").contains("3 retried request(s)");
    JsonNode rules = remote.get("/flarekv/v1/faults").result();
    assertThat(rules.get(0).path("fired").asInt()).isEqualTo(3);
    assertThat(ExportImportTest.dump(client(local), idOf(local, "copy")))
        .containsExactlyEntriesOf(ExportImportTest.dump(r, source));
  }

  @Test
  void aWrongRemoteToken_isOneErrorLine_andNothingIsWritten() {
    String source = remote.createNamespace("source");
    fill(client(remote), source, 5);
    List<Namespace> before = namespaces(local);

    CliHarness.Run run =
        cli.kv(
            "pull",
            "--from-url",
            remote.origin(),
            "--from-token",
            "wrong",
            "--from-account",
            TestServer.ACCOUNT,
            "--namespace-id",
            source,
            "--title",
            "copy");
    assertThat(run.code()).as(run.toString()).isEqualTo(KvExitCodes.FAILURE);
    assertThat(run.err().lines().toList()).hasSize(1);
    assertThat(run.err()).startsWith("flarekv: The remote API refused --from-token (");
    assertThat(run.out()).isEmpty();
    assertThat(namespaces(local)).isEqualTo(before);
    assertThat(Files.exists(cwd.resolve(".flarekv"))).isFalse();

    String mine = local.createNamespace("mine");
    fill(client(local), mine, 5);
    List<Namespace> remoteBefore = namespaces(remote);
    CliHarness.Run pushed =
        cli.kv(
            "push",
            "--to-url",
            remote.origin(),
            "--to-token",
            "wrong",
            "--to-account",
            TestServer.ACCOUNT,
            "--namespace-id",
            mine,
            "--to-namespace-id",
            source);
    assertThat(pushed.code()).as(pushed.toString()).isEqualTo(KvExitCodes.FAILURE);
    assertThat(pushed.err().lines().toList()).hasSize(1);
    assertThat(pushed.err()).startsWith("flarekv: The remote API refused --to-token (");
    assertThat(namespaces(remote)).isEqualTo(remoteBefore);
    assertThat(ExportImportTest.dump(client(remote), source)).hasSize(5);
  }

  @Test
  void resume_afterAFailureOnTheThirdPage_continuesFromTheCursorWithoutRepeating()
      throws Exception {
    KvClient r = client(remote);
    String source = remote.createNamespace("source");
    fill(r, source, 30); // pages k000-k009, k010-k019, k020-k029
    // the third page's bulk get fails twice: more than the two tries allowed
    assertThat(
            remote
                .postJson(
                    "/flarekv/v1/faults",
                    "{\"status\":500,\"ops\":[\"bulk_get\"],\"prefix\":\"k02\",\"count\":2}")
                .status())
        .isEqualTo(200);

    CliHarness.Run failed = pull(source, "--title", "copy", "--max-attempts", "2");
    assertThat(failed.code()).as(failed.toString()).isEqualTo(KvExitCodes.FAILURE);
    assertThat(failed.err().lines().toList()).hasSize(1);
    assertThat(failed.err())
        .contains("rule f1 answered 500")
        .contains("(stopped after 20 key(s); the same command with --resume continues from there)");
    String copy = idOf(local, "copy");
    KvClient l = client(local);
    assertThat(ExportImportTest.dump(l, copy)).hasSize(20);
    Path state = cwd.resolve(".flarekv/pull-" + source + ".json");
    JsonNode saved = KvJson.parse(Files.readAllBytes(state));
    assertThat(saved.path("target").asText()).isEqualTo(copy);
    assertThat(saved.path("copied").asLong()).isEqualTo(20);
    assertThat(saved.path("cursor").isTextual()).isTrue();

    CliHarness.Run resumed = pull(source, "--title", "copy", "--resume");
    assertThat(resumed.code()).as(resumed.toString()).isZero();
    assertThat(resumed.out())
        .contains("Pulled 10 key(s) from " + source + " into " + copy)
        .contains("(resumed after 20 key(s))")
        .contains("1 page(s)");
    assertThat(idOf(local, "copy")).isEqualTo(copy); // no second namespace
    assertThat(ExportImportTest.dump(l, copy))
        .containsExactlyEntriesOf(ExportImportTest.dump(r, source));
    assertThat(Files.exists(state)).isFalse();

    CliHarness.Run again = pull(source, "--resume");
    assertThat(again.code()).isEqualTo(KvExitCodes.FAILURE);
    assertThat(again.err()).contains("Nothing to resume");
  }

  @Test
  void title_createsTheTarget_onlyOnceTheSourceIsRead() {
    String source = remote.createNamespace("source");
    fill(client(remote), source, 3);
    CliHarness.Run missing = pull("0123456789abcdef0123456789abcdef", "--title", "copy");
    assertThat(missing.code()).isEqualTo(KvExitCodes.FAILURE);
    assertThat(namespaces(local)).noneMatch(n -> n.title().equals("copy"));

    CliHarness.Run run = pull(source, "--title", "copy");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(ExportImportTest.dump(client(local), idOf(local, "copy"))).hasSize(3);
  }

  @Test
  void badFlags_areRefused_andATerminalShowsProgress() {
    String source = remote.createNamespace("source");
    fill(client(remote), source, 12);
    String target = local.createNamespace("t");
    CliHarness.Run both = pull(source, "--title", "x", "--to-namespace-id", target);
    assertThat(both.code()).isEqualTo(KvExitCodes.FAILURE);
    assertThat(both.err()).contains("exactly one of --to-namespace-id and --title");
    CliHarness.Run neither = pull(source);
    assertThat(neither.err()).contains("exactly one of --to-namespace-id and --title");
    CliHarness.Run pageSize =
        cli.kv(
            "pull",
            "--from-url",
            remote.origin(),
            "--from-token",
            TestServer.TOKEN,
            "--from-account",
            TestServer.ACCOUNT,
            "--namespace-id",
            source,
            "--title",
            "x",
            "--page-size",
            "5");
    assertThat(pageSize.err()).contains("--page-size must be 10..1000");
    assertThat(namespaces(local)).noneMatch(n -> n.title().equals("x"));

    cli.terminal(true);
    CliHarness.Run run = pull(source, "--to-namespace-id", target);
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.err())
        .contains("\rpull: 10 key(s), 1 page(s)")
        .contains("\rpull: 12 key(s), 2 page(s)");
    assertThat(run.out()).contains("Pulled 12 key(s)");
  }
}
