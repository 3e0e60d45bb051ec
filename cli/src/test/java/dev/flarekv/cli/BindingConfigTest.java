package dev.flarekv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.server.testkit.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --binding} (and {@code --preview}) resolved from each wrangler config format. */
class BindingConfigTest extends CliServerTest {
  @TempDir Path cwd;
  CliHarness cli;
  String prod;
  String preview;

  @BeforeEach
  void setUp() {
    cli = new CliHarness(server, cwd);
    prod = server.createNamespace("prod-" + UUID.randomUUID());
    preview = server.createNamespace("preview-" + UUID.randomUUID());
  }

  private String config(String format, boolean withPreview) {
    String previewToml = withPreview ? "preview_id = \"" + preview + "\"\n" : "";
    String previewJson = withPreview ? ", \"preview_id\": \"" + preview + "\"" : "";
    return switch (format) {
      case "wrangler.toml" ->
          "name = \"worker\"\n"
              + "main = \"src/index.js\"\n\n"
              + "[[kv_namespaces]]\n"
              + "binding = \"OTHER\"\n"
              + "id = \"ffffffffffffffffffffffffffffffff\"\n\n"
              + "[[kv_namespaces]]\n"
              + "binding = \"CACHE\"\n"
              + "id = \""
              + prod
              + "\"\n"
              + previewToml;
      case "wrangler.json" ->
          "{\"name\": \"worker\", \"kv_namespaces\": [{\"binding\": \"CACHE\","
              + " \"id\": \""
              + prod
              + "\""
              + previewJson
              + "}]}";
      default ->
          "// wrangler.jsonc: comments and trailing commas\n"
              + "{\n"
              + "  \"name\": \"worker\", /* block comment */\n"
              + "  \"kv_namespaces\": [\n"
              + "    {\n"
              + "      \"binding\": \"CACHE\",\n"
              + "      \"id\": \""
              + prod
              + "\""
              + previewJson
              + ", // the id\n"
              + "    },\n"
              + "  ],\n"
              + "}\n";
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"wrangler.toml", "wrangler.json", "wrangler.jsonc"})
  void binding_resolvesIdFromEachFormat(String file) throws IOException {
    Files.writeString(cwd.resolve(file), config(file, false));
    CliHarness.Run put = cli.kv("key", "put", "k", "from-" + file, "--binding", "CACHE");
    assertThat(put.code()).as(put.toString()).isZero();
    assertThat(put.out()).contains("on namespace binding: \"CACHE\" (id: \"" + prod + "\")");
    assertThat(server.get(TestServer.ns(prod) + "/values/k").text()).isEqualTo("from-" + file);
    assertThat(cli.kv("key", "get", "k", "--binding", "CACHE").out()).isEqualTo("from-" + file);
  }

  @ParameterizedTest
  @ValueSource(strings = {"wrangler.toml", "wrangler.json", "wrangler.jsonc"})
  void preview_selectsPreviewId(String file) throws IOException {
    Files.writeString(cwd.resolve(file), config(file, true));
    assertThat(cli.kv("key", "put", "k", "p", "--binding", "CACHE", "--preview").code()).isZero();
    assertThat(server.get(TestServer.ns(preview) + "/values/k").text()).isEqualTo("p");
    assertThat(cli.kv("key", "put", "k", "i", "--binding", "CACHE", "--preview", "false").code())
        .isZero();
    assertThat(server.get(TestServer.ns(prod) + "/values/k").text()).isEqualTo("i");
  }

  @Test
  void bothIds_writesRefuseToGuess_readsDefaultToId() throws IOException {
    Files.writeString(cwd.resolve("wrangler.toml"), config("wrangler.toml", true));
    CliHarness.Run put = cli.kv("key", "put", "k", "v", "--binding", "CACHE");
    assertThat(put.code()).isEqualTo(1);
    assertThat(put.err())
        .isEqualTo(
            "flarekv: CACHE has both a namespace ID and a preview ID. Specify \"--preview\" or"
                + " \"--preview false\" to avoid writing data to the wrong namespace.\n");
    server.put(TestServer.ns(prod) + "/values/k", "prod-value");
    assertThat(cli.kv("key", "get", "k", "--binding", "CACHE").out()).isEqualTo("prod-value");
    assertThat(cli.kv("key", "list", "--binding", "CACHE").out()).contains("\"name\": \"k\"");
  }

  @Test
  void configFlag_namesFile_andParentDirectoryIsSearched() throws IOException {
    Path conf = Files.createDirectories(cwd.resolve("conf"));
    Files.writeString(conf.resolve("custom.toml"), config("wrangler.toml", false));
    assertThat(
            cli.kv("key", "put", "k", "c", "--binding", "CACHE", "-c", "conf/custom.toml").code())
        .isZero();
    Files.writeString(cwd.resolve("wrangler.jsonc"), config("wrangler.jsonc", false));
    Path sub = Files.createDirectories(cwd.resolve("src/deep"));
    assertThat(cli.kvIn(sub, "key", "get", "k", "--binding", "CACHE").out()).isEqualTo("c");
  }

  @Test
  void bindingErrors() throws IOException {
    CliHarness.Run noConfig = cli.kv("key", "get", "k", "--binding", "CACHE");
    assertThat(noConfig.code()).isEqualTo(1);
    assertThat(noConfig.err())
        .isEqualTo("flarekv: --binding specified, but no config file was found.\n");
    Files.writeString(cwd.resolve("wrangler.toml"), config("wrangler.toml", false));
    CliHarness.Run unknown = cli.kv("key", "get", "k", "--binding", "NOPE");
    assertThat(unknown.err())
        .isEqualTo(
            "flarekv: A namespace with binding name \"NOPE\" was not found in the configured"
                + " \"kv_namespaces\".\n");
    CliHarness.Run noPreview = cli.kv("key", "get", "k", "--binding", "CACHE", "--preview");
    assertThat(noPreview.err()).startsWith("flarekv: No preview ID found for CACHE.");
    CliHarness.Run missingFile = cli.kv("key", "get", "k", "--binding", "CACHE", "-c", "x.toml");
    assertThat(missingFile.err()).startsWith("flarekv: config file not found: ");
    Files.writeString(cwd.resolve("bad.toml"), "[[kv_namespaces]\nbinding = ");
    CliHarness.Run bad = cli.kv("key", "get", "k", "--binding", "CACHE", "-c", "bad.toml");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).startsWith("flarekv: cannot parse ");
    assertThat(bad.err().lines()).hasSize(1);
  }

  @Test
  void accountIdFromConfig_usedWhenEnvHasNone() throws IOException {
    String other = "acct-" + UUID.randomUUID();
    Files.writeString(cwd.resolve("wrangler.toml"), "account_id = \"" + other + "\"\n");
    cli.env("CLOUDFLARE_ACCOUNT_ID", null);
    assertThat(cli.kv("namespace", "create", "in-config-account").code()).isZero();
    assertThat(
            server.get("/client/v4/accounts/" + other + "/storage/kv/namespaces").result().size())
        .isEqualTo(1);
  }
}
