package dev.flarekv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.testkit.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BulkCommandsTest extends CliServerTest {
  @TempDir Path cwd;
  CliHarness cli;
  String ns;

  @BeforeEach
  void setUp() {
    cli = new CliHarness(server, cwd);
    ns = server.createNamespace("bulk-" + UUID.randomUUID());
  }

  private void write(String name, String content) throws IOException {
    Files.writeString(cwd.resolve(name), content);
  }

  private void writeItems(String name, int n) throws IOException {
    StringBuilder sb = new StringBuilder("[\n");
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ",\n")
          .append(String.format("  {\"key\": \"item-%05d\", \"value\": \"value %d\"}", i, i));
    }
    write(name, sb.append("\n]\n").toString());
  }

  private int keyCount() {
    return KvJson.parse(cli.kv("key", "list", "--namespace-id", ns).stdout()).size();
  }

  @Test
  void put_2500Items_inThreeBatches_progressOnTerminal() throws IOException {
    writeItems("items.json", 2500);
    CliHarness.Run run = cli.terminal(true).kv("bulk", "put", "items.json", "--namespace-id", ns);
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).isEqualTo("Success!\n");
    // one progress update per request: 1,000 + 1,000 + 500
    assertThat(run.err())
        .contains("Uploaded 40% (1,000 out of 2,500)")
        .contains("Uploaded 80% (2,000 out of 2,500)")
        .contains("Uploaded 100% (2,500 out of 2,500)")
        .endsWith("\n");
    assertThat(run.err().split("\r", -1)).hasSize(4);
    assertThat(keyCount()).isEqualTo(2500);
    assertThat(server.get(TestServer.ns(ns) + "/values/item-02499").text()).isEqualTo("value 2499");
  }

  @Test
  void put_noProgressWhenStderrIsNotATerminal() throws IOException {
    writeItems("items.json", 1500);
    CliHarness.Run run = cli.kv("bulk", "put", "items.json", "--namespace-id", ns);
    assertThat(run.code()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(keyCount()).isEqualTo(1500);
  }

  @Test
  void put_allFields_base64Metadata_ttl() throws IOException {
    String b64 = Base64.getEncoder().encodeToString(new byte[] {0, 1, (byte) 0xFE, (byte) 0xFF});
    write(
        "f.json",
        "[{\"key\":\"b\",\"value\":\""
            + b64
            + "\",\"base64\":true},"
            + "{\"key\":\"m\",\"value\":\"x\",\"metadata\":{\"a\":1},\"expiration_ttl\":600},"
            + "{\"key\":\"e\",\"value\":\"y\",\"expiration\":"
            + (TestServer.NOW_SECONDS + 900)
            + "}]");
    assertThat(cli.kv("bulk", "put", "f.json", "--namespace-id", ns).code()).isZero();
    assertThat(cli.kv("key", "get", "b", "--namespace-id", ns).stdout())
        .isEqualTo(new byte[] {0, 1, (byte) 0xFE, (byte) 0xFF});
    JsonNode keys = KvJson.parse(cli.kv("key", "list", "--namespace-id", ns).stdout());
    assertThat(keys.get(1).path("expiration").asLong()).isEqualTo(TestServer.NOW_SECONDS + 900);
    assertThat(keys.get(2).path("metadata").path("a").asInt()).isEqualTo(1);
  }

  @Test
  void put_invalidItems_writeNothing_listAtMost12() throws IOException {
    StringBuilder sb = new StringBuilder("[{\"key\":\"ok\",\"value\":\"v\"}");
    for (int i = 0; i < 15; i++) {
      sb.append(",{\"key\":").append(i).append(",\"value\":\"v\"}");
    }
    write("bad.json", sb.append("]").toString());
    CliHarness.Run run = cli.kv("bulk", "put", "bad.json", "--namespace-id", ns);
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("flarekv: Unexpected JSON input from \"bad.json\".")
        .contains("The item at index 1 is {\"key\":0,\"value\":\"v\"}")
        .contains("The item at index 12 is")
        .doesNotContain("index 13")
        .endsWith("...\n");
    assertThat(run.err().lines()).hasSize(1);
    assertThat(keyCount()).isZero();
  }

  @Test
  void put_notAnArray_orNotJson() throws IOException {
    write("obj.json", "{\"key\":\"k\"}");
    assertThat(cli.kv("bulk", "put", "obj.json", "--namespace-id", ns).err())
        .isEqualTo(
            "flarekv: Unexpected JSON input from \"obj.json\". Expected an array of key-value"
                + " objects but got type \"object\".\n");
    write("broken.json", "[{\"key\": \"k\", ");
    CliHarness.Run broken = cli.kv("bulk", "put", "broken.json", "--namespace-id", ns);
    assertThat(broken.code()).isEqualTo(1);
    assertThat(broken.err()).startsWith("flarekv: cannot parse \"broken.json\" as JSON: ");
    assertThat(cli.kv("bulk", "put", "none.json", "--namespace-id", ns).err())
        .startsWith("flarekv: no such file: ");
  }

  @Test
  void put_unexpectedProperties_warnAndWrite() throws IOException {
    write("w.json", "[{\"key\":\"k\",\"value\":\"v\",\"ttl\":5}]");
    CliHarness.Run run = cli.kv("bulk", "put", "w.json", "--namespace-id", ns);
    assertThat(run.code()).isZero();
    assertThat(run.err())
        .isEqualTo(
            "\u25B2 [WARNING] Unexpected key-value properties in \"w.json\": The item at index 0"
                + " contains unexpected properties: [\"ttl\"].\n");
    assertThat(keyCount()).isEqualTo(1);
  }

  @Test
  void put_serverValidationError() throws IOException {
    write("ttl.json", "[{\"key\":\"k\",\"value\":\"v\",\"expiration_ttl\":10}]");
    CliHarness.Run run = cli.kv("bulk", "put", "ttl.json", "--namespace-id", ns);
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("[code: 10001]");
  }

  @Test
  void get_stringsAndNames_missingIsNull_moreThan100Keys() throws IOException {
    writeItems("items.json", 150);
    cli.kv("bulk", "put", "items.json", "--namespace-id", ns);
    StringBuilder keys = new StringBuilder("[\"missing\", {\"name\": \"item-00000\"}");
    for (int i = 1; i < 150; i++) {
      keys.append(String.format(",\"item-%05d\"", i));
    }
    write("keys.json", keys.append("]").toString());
    CliHarness.Run run = cli.kv("bulk", "get", "keys.json", "--namespace-id", ns);
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).startsWith("{\n  \"missing\": null,\n  \"item-00000\": \"value 0\",\n");
    assertThat(run.out()).endsWith("}\n\nSuccess!\n");
    String json = run.out().substring(0, run.out().indexOf("\n\nSuccess!"));
    JsonNode values = KvJson.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(values.size()).isEqualTo(151);
    assertThat(values.path("item-00149").asText()).isEqualTo("value 149");
  }

  @Test
  void get_invalidItem() throws IOException {
    write("keys.json", "[\"a\", 5]");
    CliHarness.Run run = cli.kv("bulk", "get", "keys.json", "--namespace-id", ns);
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "flarekv: Unexpected JSON input from \"keys.json\". Expected an array of strings or"
                + " objects with a \"name\" key. The item at index 1 is type: \"number\" - 5\n");
  }

  @Test
  void delete_force_andPrompt() throws IOException {
    writeItems("items.json", 1200);
    cli.kv("bulk", "put", "items.json", "--namespace-id", ns);
    StringBuilder keys = new StringBuilder("[");
    for (int i = 0; i < 1100; i++) {
      keys.append(i == 0 ? "" : ",")
          .append(
              i % 2 == 0
                  ? String.format("\"item-%05d\"", i)
                  : "{\"name\":\"item-" + String.format("%05d", i) + "\"}");
    }
    write("keys.json", keys.append("]").toString());

    CliHarness.Run declined =
        cli.stdin("n\n").kv("bulk", "delete", "keys.json", "--namespace-id", ns);
    assertThat(declined.code()).isZero();
    assertThat(declined.out())
        .isEqualTo(
            "Are you sure you want to delete all the keys read from \"keys.json\" from"
                + " kv-namespace id: \""
                + ns
                + "\"? (y/N) Not deleting keys read from \"keys.json\".\n");
    assertThat(keyCount()).isEqualTo(1200);

    CliHarness.Run confirmed =
        cli.stdin("yes\n").kv("bulk", "delete", "keys.json", "--namespace-id", ns);
    assertThat(confirmed.code()).isZero();
    assertThat(confirmed.out()).endsWith("Success!\n");
    assertThat(keyCount()).isEqualTo(100);

    for (String flag : new String[] {"--force", "-f", "-y"}) {
      CliHarness.Run forced =
          cli.stdin("").kv("bulk", "delete", "keys.json", "--namespace-id", ns, flag);
      assertThat(forced.out()).isEqualTo("Success!\n");
    }
  }
}
