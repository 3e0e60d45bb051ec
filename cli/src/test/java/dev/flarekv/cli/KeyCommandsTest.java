package dev.flarekv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.testkit.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyCommandsTest extends CliServerTest {
  @TempDir Path cwd;
  CliHarness cli;
  String ns;

  @BeforeEach
  void setUp() {
    cli = new CliHarness(server, cwd);
    ns = server.createNamespace("keys-" + UUID.randomUUID());
  }

  private static JsonNode json(CliHarness.Run run) {
    return KvJson.parse(run.stdout());
  }

  @Test
  void put_get_text_roundTrip() {
    CliHarness.Run put = cli.kv("key", "put", "greeting", "hello wörld", "--namespace-id", ns);
    assertThat(put.code()).as(put.toString()).isZero();
    assertThat(put.out())
        .isEqualTo(
            "Writing the value \"hello wörld\" to key \"greeting\" on namespace id: \""
                + ns
                + "\".\n");
    CliHarness.Run get = cli.kv("key", "get", "greeting", "--namespace-id", ns);
    assertThat(get.code()).isZero();
    assertThat(get.stdout()).isEqualTo("hello wörld".getBytes(StandardCharsets.UTF_8));
    assertThat(get.err()).isEmpty();
    CliHarness.Run text = cli.kv("key", "get", "greeting", "--namespace-id", ns, "--text");
    assertThat(text.out()).isEqualTo("hello wörld\n");
  }

  @Test
  void putPath_getRawBytes_binaryRoundTrip() throws IOException {
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
    }
    Files.write(cwd.resolve("blob.bin"), all);
    CliHarness.Run put =
        cli.kv("key", "put", "bin/ary key", "--path", "blob.bin", "--namespace-id", ns);
    assertThat(put.code()).as(put.toString()).isZero();
    assertThat(put.out())
        .isEqualTo(
            "Writing the contents of blob.bin to the key \"bin/ary key\" on namespace id: \""
                + ns
                + "\".\n");
    CliHarness.Run get = cli.kv("key", "get", "bin/ary key", "--namespace-id", ns);
    assertThat(get.code()).isZero();
    assertThat(get.stdout()).isEqualTo(all);
  }

  @Test
  void put_metadataTtlExpiration_showInList() {
    long expiration = TestServer.NOW_SECONDS + 7200;
    assertThat(
            cli.kv(
                    "key",
                    "put",
                    "a",
                    "1",
                    "--namespace-id",
                    ns,
                    "--metadata",
                    "{\"owner\": \"me\", \"n\": 1}",
                    "--ttl",
                    "3600")
                .out())
        .endsWith("with metadata \"{\"owner\":\"me\",\"n\":1}\".\n");
    cli.kv("key", "put", "b", "2", "--namespace-id", ns, "--expiration", "" + expiration);
    cli.kv("key", "put", "c", "3", "--namespace-id", ns);
    CliHarness.Run list = cli.kv("key", "list", "--namespace-id", ns);
    assertThat(list.code()).isZero();
    JsonNode keys = json(list);
    assertThat(keys).hasSize(3);
    assertThat(keys.get(0).path("name").asText()).isEqualTo("a");
    assertThat(keys.get(0).path("expiration").asLong()).isEqualTo(TestServer.NOW_SECONDS + 3600);
    assertThat(keys.get(0).path("metadata").path("owner").asText()).isEqualTo("me");
    assertThat(keys.get(1).path("expiration").asLong()).isEqualTo(expiration);
    assertThat(keys.get(2).has("expiration")).isFalse();
    assertThat(keys.get(2).has("metadata")).isFalse();
    // JSON.stringify(..., 2) layout
    assertThat(list.out())
        .startsWith("[\n  {\n    \"name\": \"a\",\n")
        .contains("    \"metadata\": {\n      \"owner\": \"me\",\n      \"n\": 1\n    }\n")
        .endsWith("  {\n    \"name\": \"c\"\n  }\n]\n");
  }

  @Test
  void list_emptyAndPrefix() {
    assertThat(cli.kv("key", "list", "--namespace-id", ns).out()).isEqualTo("[]\n");
    cli.kv("key", "put", "user:1", "x", "--namespace-id", ns);
    cli.kv("key", "put", "user:2", "x", "--namespace-id", ns);
    cli.kv("key", "put", "post:1", "x", "--namespace-id", ns);
    JsonNode users = json(cli.kv("key", "list", "--namespace-id", ns, "--prefix", "user:"));
    assertThat(users).hasSize(2);
    assertThat(users.get(1).path("name").asText()).isEqualTo("user:2");
  }

  @Test
  void list_followsCursorsAcrossPages() throws IOException {
    StringBuilder file = new StringBuilder("[");
    for (int i = 0; i < 2500; i++) {
      file.append(i == 0 ? "" : ",")
          .append(String.format("{\"key\":\"k%05d\",\"value\":\"v\"}", i));
    }
    Files.writeString(cwd.resolve("many.json"), file.append("]"));
    assertThat(cli.kv("bulk", "put", "many.json", "--namespace-id", ns).code()).isZero();
    JsonNode keys = json(cli.kv("key", "list", "--namespace-id", ns));
    assertThat(keys).hasSize(2500);
    for (int i = 0; i < 2500; i++) {
      assertThat(keys.get(i).path("name").asText()).isEqualTo(String.format("k%05d", i));
    }
  }

  @Test
  void delete_removesKey() {
    cli.kv("key", "put", "gone", "x", "--namespace-id", ns);
    CliHarness.Run del = cli.kv("key", "delete", "gone", "--namespace-id", ns);
    assertThat(del.code()).isZero();
    assertThat(del.out()).isEqualTo("Deleting the key \"gone\" on namespace id: \"" + ns + "\".\n");
    assertThat(cli.kv("key", "get", "gone", "--namespace-id", ns).code()).isEqualTo(1);
  }

  @Test
  void get_missingKey_exit1OneLine() {
    CliHarness.Run run = cli.kv("key", "get", "nope", "--namespace-id", ns);
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.stdout()).isEmpty();
    assertThat(run.err())
        .isEqualTo("flarekv: Value not found for key \"nope\" on namespace id: \"" + ns + "\".\n");
  }

  @Test
  void missingNamespace_exit1WithServerMessage() {
    String missing = "0123456789abcdef0123456789abcdef";
    for (String[] args :
        new String[][] {
          {"key", "get", "k", "--namespace-id", missing},
          {"key", "list", "--namespace-id", missing},
          {"key", "put", "k", "v", "--namespace-id", missing},
        }) {
      CliHarness.Run run = cli.kv(args);
      assertThat(run.code()).as(run.toString()).isEqualTo(1);
      assertThat(run.err()).contains("namespace not found").contains("[code: 10013]");
      assertThat(run.err().lines()).hasSize(1);
      assertThat(run.err()).doesNotContain("\tat ");
    }
  }

  @Test
  void invalidMetadata_wranglerMessages() {
    CliHarness.Run notJson =
        cli.kv("key", "put", "k", "v", "--namespace-id", ns, "--metadata", "{x");
    assertThat(notJson.code()).isEqualTo(1);
    assertThat(notJson.err()).isEqualTo("flarekv: --metadata must be valid JSON. Received: {x\n");
    for (String raw : new String[] {"\"text\"", "[1,2]", "null", "5"}) {
      CliHarness.Run notObject =
          cli.kv("key", "put", "k", "v", "--namespace-id", ns, "--metadata", raw);
      assertThat(notObject.code()).isEqualTo(1);
      assertThat(notObject.err())
          .isEqualTo("flarekv: --metadata must be a JSON object. Received: " + raw + "\n");
    }
    assertThat(cli.kv("key", "get", "k", "--namespace-id", ns).code()).isEqualTo(1);
  }

  @Test
  void ttlBelow60_serverValidationMessage() {
    CliHarness.Run run = cli.kv("key", "put", "k", "v", "--namespace-id", ns, "--ttl", "30");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "flarekv: Invalid expiration_ttl of 30. Expiration TTL must be at least 60."
                + " [code: 10001]\n");
  }

  @Test
  void expirationInThePast_serverValidationMessage() {
    CliHarness.Run run =
        cli.kv("key", "put", "k", "v", "--namespace-id", ns, "--expiration", "1000");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).startsWith("flarekv: Invalid expiration of 1000.");
  }

  @Test
  void valueAndPath_exactlyOne() throws IOException {
    Files.writeString(cwd.resolve("f"), "x");
    CliHarness.Run neither = cli.kv("key", "put", "k", "--namespace-id", ns);
    assertThat(neither.code()).isEqualTo(2);
    assertThat(neither.err())
        .startsWith("flarekv: Exactly one of the arguments value and path is required\n");
    CliHarness.Run both = cli.kv("key", "put", "k", "v", "--path", "f", "--namespace-id", ns);
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).startsWith("flarekv: Arguments value and path are mutually exclusive");
  }

  @Test
  void namespaceSelector_requiredAndExclusive() {
    CliHarness.Run none = cli.kv("key", "get", "k");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("--namespace-id").contains("--binding");
    CliHarness.Run both = cli.kv("key", "get", "k", "--namespace-id", ns, "--binding", "KV");
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("mutually exclusive");
  }

  @Test
  void missingPathFile_oneLine() {
    CliHarness.Run run = cli.kv("key", "put", "k", "--path", "nope.bin", "--namespace-id", ns);
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).startsWith("flarekv: no such file: ").endsWith("nope.bin\n");
  }

  @Test
  void remoteAccepted_localRejected() {
    assertThat(cli.kv("key", "put", "k", "v", "--namespace-id", ns, "--remote").code()).isZero();
    CliHarness.Run local = cli.kv("key", "get", "k", "--namespace-id", ns, "--local");
    assertThat(local.code()).isEqualTo(1);
    assertThat(local.err())
        .startsWith("flarekv: --local is not supported: flarekv is always remote");
  }
}
