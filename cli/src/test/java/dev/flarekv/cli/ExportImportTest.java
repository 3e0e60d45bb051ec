package dev.flarekv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.client.KeyListPage;
import dev.flarekv.protocol.client.KvClient;
import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.storage.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flarekv export} from one server and {@code flarekv import} into another, compared. */
class ExportImportTest {
  @TempDir Path cwd;
  @TempDir Path data1;
  @TempDir Path data2;

  static TestServer start(Path dir) {
    // wall-clock time: export and import judge "expires within 60 s" by the real clock
    return TestServer.start(
        dir, List.of(TestServer.TOKEN), new MutableClock(System.currentTimeMillis()));
  }

  static KvClient client(TestServer server) {
    return new KvClient(server.origin() + "/client/v4", TestServer.TOKEN, TestServer.ACCOUNT);
  }

  /** Every key with its value, metadata and expiration, as a comparable string. */
  static Map<String, String> dump(KvClient client, String ns) {
    Map<String, String> out = new LinkedHashMap<>();
    String cursor = null;
    do {
      KeyListPage page = client.listKeys(ns, null, 1000, cursor);
      for (KeyInfo key : page.keys()) {
        byte[] value = client.getValue(ns, key.name()).orElseThrow();
        out.put(
            key.name(),
            java.util.HexFormat.of().formatHex(value)
                + " meta="
                + key.metadata()
                + " exp="
                + key.expiration());
      }
      cursor = page.hasMore() ? page.cursor() : null;
    } while (cursor != null);
    return out;
  }

  @Test
  void roundTrip_textBinaryMetadataExpiring_acrossServers() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    try (TestServer one = start(data1);
        TestServer two = start(data2)) {
      KvClient a = client(one);
      String source = one.createNamespace("source");
      byte[] all = new byte[256];
      for (int i = 0; i < 256; i++) {
        all[i] = (byte) i;
      }
      a.putValue(source, "binary", all, null, null, null);
      a.putValue(source, "bin-meta", new byte[] {(byte) 0xff, 0}, "{\"kind\":\"bin\"}", null, null);
      a.putValue(source, "text", "héllo ✓ 🌍".getBytes(StandardCharsets.UTF_8), null, null, null);
      a.putValue(source, "empty", new byte[0], null, null, null);
      a.putValue(
          source, "ctl", "a\u0000b\n\"q\"".getBytes(StandardCharsets.UTF_8), null, null, null);
      a.putValue(
          source,
          "with-meta",
          "v".getBytes(StandardCharsets.UTF_8),
          "{\"n\":[1,2.5,{\"deep\":null}],\"s\":\"ü\"}",
          now + 3600,
          null);
      a.putValue(source, "expiring", "e".getBytes(StandardCharsets.UTF_8), null, now + 7200, null);
      // metadata may be any JSON value (docs/kv-semantics.md M1), not only an object
      a.putValue(source, "meta-string", new byte[] {'s'}, "\"just text\"", null, null);
      a.putValue(source, "meta-number", new byte[] {'n'}, "42.5", null, null);
      a.putValue(source, "meta-bool", new byte[] {'b'}, "true", null, null);
      a.putValue(
          source, "key/with spaces?&é", "k".getBytes(StandardCharsets.UTF_8), null, null, null);
      // more than one list page
      StringBuilder bulk = new StringBuilder("[");
      for (int i = 0; i < 1100; i++) {
        bulk.append(i == 0 ? "" : ",")
            .append("{\"key\":\"many-")
            .append(String.format("%05d", i))
            .append("\",\"value\":\"")
            .append(i)
            .append("\"}");
      }
      a.bulkPut(
          source,
          dev.flarekv.protocol.json.KvJson.parse(
              bulk.append("]").toString().getBytes(StandardCharsets.UTF_8)));

      CliHarness cli1 = new CliHarness(one, cwd);
      CliHarness.Run exported =
          cli1.root("export", "--namespace-id", source, "--output", "out.json");
      assertThat(exported.code()).as(exported.toString()).isZero();
      assertThat(exported.err()).contains("Exported ").contains(" as base64");
      Path file = cwd.resolve("out.json");
      assertThat(file).exists();
      assertThat(cwd.resolve("out.json.partial")).doesNotExist();

      JsonNode items = dev.flarekv.protocol.json.KvJson.parse(Files.readAllBytes(file));
      Map<String, JsonNode> byKey = new LinkedHashMap<>();
      items.forEach(item -> byKey.put(item.path("key").asText(), item));
      assertThat(byKey.get("binary").path("base64").asBoolean()).isTrue();
      assertThat(byKey.get("text").has("base64")).isFalse();
      assertThat(byKey.get("text").path("value").asText()).isEqualTo("héllo ✓ 🌍");
      assertThat(byKey.get("with-meta").path("metadata").path("s").asText()).isEqualTo("ü");
      assertThat(byKey.get("with-meta").path("expiration").asLong()).isEqualTo(now + 3600);
      assertThat(byKey.get("meta-string").path("metadata").asText()).isEqualTo("just text");
      assertThat(byKey.get("meta-number").path("metadata").asDouble()).isEqualTo(42.5);

      Map<String, String> expected = dump(a, source);
      String target = two.createNamespace("target");
      CliHarness cli2 = new CliHarness(two, cwd);
      CliHarness.Run imported = cli2.root("import", "--namespace-id", target, "out.json");
      assertThat(imported.code()).as(imported.toString()).isZero();
      assertThat(imported.out()).contains("Imported " + items.size() + " key(s)");
      Map<String, String> actual = dump(client(two), target);
      assertThat(actual).containsExactlyEntriesOf(expected);
      assertThat(actual).hasSizeGreaterThan(1100);
    }
  }

  @Test
  void keysExpiringWithin60s_areSkippedAndCounted_onExportAndImport() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    try (TestServer one = start(data1)) {
      KvClient a = client(one);
      String ns = one.createNamespace("n");
      a.putValue(ns, "keep", "k".getBytes(StandardCharsets.UTF_8), null, now + 3600, null);
      a.putValue(ns, "plain", "p".getBytes(StandardCharsets.UTF_8), null, null, null);
      // written while the server clock is 10 min behind: valid for it, 30 s left in real time
      one.clock().advanceSeconds(-600);
      a.putValue(ns, "going", "g".getBytes(StandardCharsets.UTF_8), null, now + 30, null);
      one.clock().advanceSeconds(600);
      CliHarness cli = new CliHarness(one, cwd);
      CliHarness.Run run = cli.root("export", "--namespace-id", ns);
      assertThat(run.code()).as(run.toString()).isZero();
      assertThat(run.err())
          .contains("Exported 2 key(s)")
          .contains("skipped 1 expiring within 60 s");
      JsonNode items = dev.flarekv.protocol.json.KvJson.parse(run.stdout());
      assertThat(items).hasSize(2);

      Files.writeString(
          cwd.resolve("old.json"),
          "[{\"key\":\"a\",\"value\":\"1\",\"expiration\":"
              + (now - 5)
              + "},{\"key\":\"b\",\"value\":\"2\",\"expiration\":"
              + (now + 3600)
              + "},{\"key\":\"c\",\"value\":\"3\"}]");
      String target = one.createNamespace("t");
      CliHarness.Run imported = cli.root("import", "--namespace-id", target, "old.json");
      assertThat(imported.code()).as(imported.toString()).isZero();
      assertThat(imported.out()).contains("Imported 2 key(s)").contains("skipped 1 expiring");
      assertThat(a.getValue(target, "a")).isEmpty();
      assertThat(a.getValue(target, "b")).isPresent();
    }
  }

  @Test
  void expiringSoon_isJudgedByTheServersEmulatedTime_notThisMachines() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    try (TestServer one = start(data1)) {
      KvClient a = client(one);
      String ns = one.createNamespace("n");
      a.putValue(ns, "later", "l".getBytes(StandardCharsets.UTF_8), null, now + 3600, null);
      a.putValue(ns, "much-later", "m".getBytes(StandardCharsets.UTF_8), null, now + 7200, null);
      // by this machine's clock "later" has an hour left; by the server's, 50 s
      assertThat(one.postJson("/flarekv/v1/clock", "{\"advance\":3550}").status()).isEqualTo(200);
      CliHarness cli = new CliHarness(one, cwd);
      CliHarness.Run run = cli.root("export", "--namespace-id", ns);
      assertThat(run.code()).as(run.toString()).isZero();
      assertThat(run.err())
          .contains("Exported 1 key(s)")
          .contains("skipped 1 expiring within 60 s");
      JsonNode items = dev.flarekv.protocol.json.KvJson.parse(run.stdout());
      assertThat(items).hasSize(1);
      assertThat(items.get(0).path("key").asText()).isEqualTo("much-later");

      // import judges the same way: the server would refuse "later" by its clock
      Files.writeString(
          cwd.resolve("in.json"),
          "[{\"key\":\"a\",\"value\":\"1\",\"expiration\":"
              + (now + 3600)
              + "},{\"key\":\"b\",\"value\":\"2\",\"expiration\":"
              + (now + 7200)
              + "}]");
      String target = one.createNamespace("t");
      CliHarness.Run imported = cli.root("import", "--namespace-id", target, "in.json");
      assertThat(imported.code()).as(imported.toString()).isZero();
      assertThat(imported.out()).contains("Imported 1 key(s)").contains("skipped 1 expiring");
      assertThat(a.getValue(target, "b")).isPresent();
    }
  }

  @Test
  void emptyNamespace_exportsEmptyArray_andUnknownNamespaceFailsWithoutFile() throws Exception {
    try (TestServer one = start(data1)) {
      String ns = one.createNamespace("empty");
      CliHarness cli = new CliHarness(one, cwd);
      CliHarness.Run run = cli.root("export", "--namespace-id", ns, "-o", "e.json");
      assertThat(run.code()).as(run.toString()).isZero();
      assertThat(Files.readString(cwd.resolve("e.json"))).isEqualTo("[]\n");
      // an export holds the data: owner-only, also when it replaces a file others could read
      assertThat(
              PosixFilePermissions.toString(Files.getPosixFilePermissions(cwd.resolve("e.json"))))
          .isEqualTo("rw-------");
      Files.setPosixFilePermissions(
          cwd.resolve("e.json"), PosixFilePermissions.fromString("rw-r--r--"));
      Files.writeString(cwd.resolve("e.json.partial"), "left over from a crash");
      Files.setPosixFilePermissions(
          cwd.resolve("e.json.partial"), PosixFilePermissions.fromString("rw-rw-rw-"));
      assertThat(cli.root("export", "--namespace-id", ns, "-o", "e.json").code()).isZero();
      assertThat(
              PosixFilePermissions.toString(Files.getPosixFilePermissions(cwd.resolve("e.json"))))
          .isEqualTo("rw-------");
      assertThat(cwd.resolve("e.json.partial")).doesNotExist();
      CliHarness.Run bad = cli.root("export", "--namespace-id", "0".repeat(32), "-o", "bad.json");
      assertThat(bad.code()).isEqualTo(1);
      assertThat(bad.err()).contains("10013");
      assertThat(cwd.resolve("bad.json")).doesNotExist();
    }
  }
}
