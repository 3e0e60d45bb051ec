package dev.flarekv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.server.testkit.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flarekv seed} and {@code flarekv reset} against a real server started without seeds. */
class SeedCommandTest extends CliServerTest {
  static final String SESSION_ID = "abcdefabcdefabcdefabcdefabcdef01";

  @TempDir Path cwd;
  CliHarness cli;

  @BeforeEach
  void setUp() throws IOException {
    cli = new CliHarness(server, cwd);
    Path seeds = cwd.resolve("seeds");
    Files.createDirectories(seeds);
    Files.writeString(
        seeds.resolve("auth.json"),
        "{\"namespaces\":[{\"title\":\"AUTH_SESSION_KV\",\"id\":\""
            + SESSION_ID
            + "\",\"keys_file\":\"sessions.json\"}]}");
    // a keys file next to the seeds: named as a keys_file, so not read as a seed file itself
    Files.writeString(
        seeds.resolve("sessions.json"),
        "[{\"key\":\"session:alice\",\"value\":\"alice\",\"metadata\":{\"role\":\"admin\"}}]");
    Files.writeString(
        seeds.resolve("cache.json"),
        "{\"namespaces\":[{\"title\":\"CACHE_KV\",\"keys\":[{\"key\":\"page:/\",\"value\":\"home\"}]}]}");
  }

  private List<Namespace> namespaces() {
    return server.server().store().allNamespaces();
  }

  @Test
  void seedADirectory_twice_thenReset() {
    CliHarness.Run run = cli.root("seed", "seeds");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out())
        .endsWith("Seeded 2 namespaces (2 created), 2 keys written\n")
        .contains(SESSION_ID + "  AUTH_SESSION_KV  1 keys  (created)");
    TestServer.Reply alice = server.get(TestServer.ns(SESSION_ID) + "/values/session:alice");
    assertThat(alice.text()).isEqualTo("alice");
    TestServer.Reply meta = server.get(TestServer.ns(SESSION_ID) + "/metadata/session:alice");
    assertThat(meta.result().path("role").asText()).isEqualTo("admin");

    List<Namespace> first = namespaces();
    CliHarness.Run again = cli.root("seed", "seeds");
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(again.out()).endsWith("Seeded 2 namespaces (0 created), 2 keys written\n");
    assertThat(namespaces()).containsExactlyInAnyOrderElementsOf(first);

    CliHarness.Run reset = cli.root("reset");
    assertThat(reset.code()).as(reset.toString()).isZero();
    assertThat(reset.out())
        .isEqualTo("Reset: deleted 2 namespaces, seeded 0 namespaces with 0 keys\n");
    assertThat(namespaces()).isEmpty();
  }

  @Test
  void aBadItemIsNamedAndNothingIsWritten() throws IOException {
    server.postJson("/flarekv/v1/reset", "");
    Files.writeString(
        cwd.resolve("seeds/sessions.json"),
        "[{\"key\":\"ok\",\"value\":\"1\"},{\"key\":\"bad\",\"value\":\"AA=*\",\"base64\":true}]");
    CliHarness.Run run = cli.root("seed", "seeds/cache.json", "seeds/auth.json");
    assertThat(run.code()).isNotZero();
    assertThat(run.err())
        .contains("seeds/sessions.json")
        .contains("seeds/auth.json: namespace 0 \"AUTH_SESSION_KV\"")
        .contains("item 1")
        .contains("not valid base64");
    assertThat(namespaces()).isEmpty(); // not even the good cache.json before it

    Files.writeString(cwd.resolve("broken.json"), "{\"namespaces\":[");
    CliHarness.Run broken = cli.root("seed", "broken.json");
    assertThat(broken.code()).isNotZero();
    assertThat(broken.err()).contains("broken.json: not valid JSON");
    assertThat(namespaces()).isEmpty();
  }
}
