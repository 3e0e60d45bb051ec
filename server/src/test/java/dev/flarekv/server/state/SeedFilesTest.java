package dev.flarekv.server.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.server.auth.ScopedToken;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.testkit.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed files at start ({@code --seed}), {@code /flarekv/v1/seed} and {@code /flarekv/v1/reset}. */
class SeedFilesTest {
  static final String AUTH_ID = "0123456789abcdef0123456789abcdef";
  static final String SEED =
      "{\"namespaces\":[{\"title\":\"AUTH_SESSION_KV\",\"id\":\""
          + AUTH_ID
          + "\",\"keys\":[{\"key\":\"session:alice\",\"value\":\"{\\\"user\\\":\\\"alice\\\"}\","
          + "\"metadata\":{\"role\":\"admin\"},\"expiration_ttl\":3600},"
          + "{\"key\":\"blob\",\"value\":\"AAEC\",\"base64\":true}]},"
          + "{\"title\":\"CACHE_KV\",\"keys_file\":\"keys/cache.json\"}]}";
  static final String CACHE_KEYS =
      "[{\"key\":\"page:/\",\"value\":\"<h1>home</h1>\"},{\"key\":\"page:/about\",\"value\":\"a\"}]";

  @TempDir Path dir;
  TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  Path seedDir() throws IOException {
    Path seeds = dir.resolve("seeds");
    Files.createDirectories(seeds.resolve("keys"));
    Files.writeString(seeds.resolve("app.json"), SEED);
    Files.writeString(seeds.resolve("keys/cache.json"), CACHE_KEYS);
    return seeds;
  }

  TestServer start(List<Path> seeds) {
    server =
        TestServer.start(
            dir.resolve("data"),
            List.of(TestServer.TOKEN),
            new MutableClock(TestServer.NOW_SECONDS * 1000),
            c ->
                c.withSeeds(seeds)
                    .withScopedTokens(List.of(new ScopedToken("scoped", List.of("other")))));
    return server;
  }

  /** Every namespace of the account with its keys, values, metadata and expirations. */
  static Map<String, String> state(KvStore store) {
    Map<String, String> out = new TreeMap<>();
    for (Namespace ns : store.allNamespaces()) {
      StringBuilder keys = new StringBuilder();
      for (var info : store.list(ns.ref(), "", null, 1000).keys()) {
        KvEntry e = store.get(ns.ref(), info.name()).orElseThrow();
        keys.append(e.key())
            .append('=')
            .append(new String(e.value(), StandardCharsets.ISO_8859_1))
            .append(' ')
            .append(e.metadata())
            .append(' ')
            .append(e.expiration())
            .append(';');
      }
      out.put(ns.accountId() + "/" + ns.title() + "/" + ns.id(), keys.toString());
    }
    return out;
  }

  @Test
  void seedsAtStartFromADirectoryWithKeysFileAndGivenId() throws IOException {
    start(List.of(seedDir()));
    KvStore store = server.server().store();
    Map<String, String> state = state(store);
    assertThat(state).hasSize(2);
    assertThat(state)
        .containsEntry(
            TestServer.ACCOUNT + "/AUTH_SESSION_KV/" + AUTH_ID,
            "blob=\u0000\u0001\u0002 null 0;session:alice={\"user\":\"alice\"} {\"role\":\"admin\"} "
                + (TestServer.NOW_SECONDS + 3600)
                + ";");
    String cache =
        state.entrySet().stream()
            .filter(e -> e.getKey().contains("/CACHE_KV/"))
            .findFirst()
            .orElseThrow()
            .getValue();
    assertThat(cache).isEqualTo("page:/=<h1>home</h1> null 0;page:/about=a null 0;");
    // the REST API sees the namespace under its given id
    Reply r = server.get(TestServer.ns(AUTH_ID) + "/values/session:alice");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("{\"user\":\"alice\"}");
  }

  @Test
  void applyingTwiceGivesTheSameState() throws IOException {
    Path seeds = seedDir();
    start(List.of(seeds.resolve("app.json")));
    Map<String, String> first = state(server.server().store());
    server.close();
    start(List.of(seeds.resolve("app.json"))); // same data dir: applied again over it
    assertThat(state(server.server().store())).isEqualTo(first);
    Reply again = server.postJson("/flarekv/v1/seed", body("seeds/app.json", SEED, true));
    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.result().path("keys_written").asLong()).isEqualTo(4);
    assertThat(again.result().path("namespaces").path(0).path("created").asBoolean()).isFalse();
    assertThat(state(server.server().store())).isEqualTo(first);
  }

  @Test
  void aBadItemRefusesTheStartNamingFileIndexAndRule() throws IOException {
    Path seeds = seedDir();
    Files.writeString(
        seeds.resolve("keys/cache.json"),
        "[{\"key\":\"ok\",\"value\":\"1\"},{\"key\":\"late\",\"value\":\"x\",\"expiration_ttl\":5}]");
    assertThatThrownBy(() -> start(List.of(seeds)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(seeds.resolve("keys/cache.json").toString())
        .hasMessageContaining("item 1")
        .hasMessageContaining("expiration_ttl");
  }

  @Test
  void aBadItemThroughTheControlChangesNothing() throws IOException {
    start(List.of(seedDir()));
    Map<String, String> before = state(server.server().store());
    String bad =
        "{\"namespaces\":[{\"title\":\"NEW_KV\",\"keys\":[{\"key\":\"a\",\"value\":\"1\"}]},"
            + "{\"title\":\"CACHE_KV\",\"keys\":[{\"key\":\"x\",\"value\":\"1\"},"
            + "{\"key\":\""
            + "k".repeat(513)
            + "\",\"value\":\"v\"}]}]}";
    Reply r = server.postJson("/flarekv/v1/seed", body("more.json", bad, false));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorMessage())
        .contains("more.json")
        .contains("namespace 1 \"CACHE_KV\"")
        .contains("item 1")
        .contains("512");
    Reply takenId =
        server.postJson(
            "/flarekv/v1/seed",
            body(
                "ids.json",
                "{\"namespaces\":[{\"title\":\"OTHER_KV\",\"id\":\"" + AUTH_ID + "\"}]}",
                false));
    assertThat(takenId.status()).isEqualTo(400);
    assertThat(takenId.errorMessage()).contains("ids.json").contains("already belongs");
    assertThat(state(server.server().store())).isEqualTo(before);
  }

  @Test
  void resetGoesBackToTheStartSeeds() throws IOException {
    start(List.of(seedDir()));
    Map<String, String> seeded = state(server.server().store());
    String extra = server.createNamespace("EXTRA_KV");
    server.put(TestServer.ns(AUTH_ID) + "/values/session:alice", "changed");
    server.put(TestServer.ns(AUTH_ID) + "/values/session:bob", "new");
    server.put(TestServer.ns(extra) + "/values/k", "v");
    assertThat(state(server.server().store())).isNotEqualTo(seeded);

    Reply r = server.postJson("/flarekv/v1/reset", "");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.result().path("deleted_namespaces").asInt()).isEqualTo(3);
    Map<String, String> after = state(server.server().store());
    // the CACHE_KV id is random, so compare without it
    assertThat(withoutCacheId(after)).isEqualTo(withoutCacheId(seeded));
    assertThat(after.keySet()).contains(TestServer.ACCOUNT + "/AUTH_SESSION_KV/" + AUTH_ID);
  }

  @Test
  void resetWithoutSeedsEmptiesEveryAccount() {
    start(List.of());
    server.createNamespace("A");
    server.put(TestServer.ns(server.createNamespace("B")) + "/values/k", "v");
    server.server().store().createNamespace("other-account", "C");
    assertThat(server.server().store().allNamespaces()).hasSize(3);
    Reply r = server.postJson("/flarekv/v1/reset", "");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.result().path("keys_written").asLong()).isZero();
    assertThat(server.server().store().allNamespaces()).isEmpty();
  }

  @Test
  void aScopedTokenCannotResetNorSeedOutsideItsAccounts() throws IOException {
    start(List.of(seedDir()));
    Map<String, String> before = state(server.server().store());
    Reply reset = scoped("/flarekv/v1/reset", HttpRequest.BodyPublishers.noBody());
    assertThat(reset.status()).isEqualTo(403);
    assertThat(reset.errorMessage()).contains("not scoped to accounts");
    Reply seed =
        scoped(
            "/flarekv/v1/seed",
            TestServer.json(body("x.json", "{\"namespaces\":[{\"title\":\"X\"}]}", false)));
    assertThat(seed.status()).isEqualTo(403);
    assertThat(state(server.server().store())).isEqualTo(before);
  }

  /** A POST with the token scoped to account "other". */
  private Reply scoped(String path, HttpRequest.BodyPublisher body) {
    return server.send(
        HttpRequest.newBuilder(URI.create(server.origin() + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer scoped")
            .header("Content-Type", "application/json")
            .POST(body)
            .build());
  }

  private static Map<String, String> withoutCacheId(Map<String, String> state) {
    Map<String, String> out = new TreeMap<>();
    state.forEach((k, v) -> out.put(k.contains("/CACHE_KV/") ? "CACHE_KV" : k, v));
    return out;
  }

  /** A {@code /flarekv/v1/seed} body: one file, with the keys file the test seed names. */
  static String body(String name, String content, boolean withCacheKeys) {
    return "{\"files\":[{\"name\":"
        + TestServer.quote(name)
        + ",\"content\":"
        + content
        + (withCacheKeys ? ",\"keys_files\":{\"keys/cache.json\":" + CACHE_KEYS + "}" : "")
        + "}]}";
  }
}
