package dev.flarekv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.json.KvJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamespaceCommandsTest extends CliServerTest {
  private static final Pattern ID = Pattern.compile("id = \"([0-9a-f]{32})\"");

  @TempDir Path cwd;
  CliHarness cli;
  String account;

  @BeforeEach
  void setUp() {
    // each test its own account, so listings see only its namespaces
    account = "acct-" + UUID.randomUUID();
    cli = new CliHarness(server, cwd).env("CLOUDFLARE_ACCOUNT_ID", account);
  }

  private JsonNode list() {
    CliHarness.Run run = cli.kv("namespace", "list");
    assertThat(run.code()).as(run.toString()).isZero();
    return KvJson.parse(run.stdout());
  }

  private String create(String title) {
    CliHarness.Run run = cli.kv("namespace", "create", title);
    assertThat(run.code()).as(run.toString()).isZero();
    Matcher m = ID.matcher(run.out());
    assertThat(m.find()).as(run.out()).isTrue();
    return m.group(1);
  }

  @Test
  void create_printsIdAndTomlSnippet() {
    CliHarness.Run run = cli.kv("namespace", "create", "my-cache");
    assertThat(run.code()).isZero();
    String id = list().get(0).path("id").asText();
    assertThat(run.out())
        .isEqualTo(
            "\uD83C\uDF00 Creating namespace with title \"my-cache\"\n"
                + "\u2728 Success!\n"
                + "To access your new KV Namespace in your Worker, add the following snippet to"
                + " your configuration file:\n"
                + "[[kv_namespaces]]\n"
                + "binding = \"my_cache\"\n"
                + "id = \""
                + id
                + "\"\n");
  }

  @Test
  void create_preview_titleSuffixAndPreviewId() {
    CliHarness.Run run = cli.kv("namespace", "create", "sessions", "--preview");
    assertThat(run.out())
        .contains("title \"sessions_preview\"")
        .contains("binding = \"sessions\"\npreview_id = \"");
    assertThat(list().get(0).path("title").asText()).isEqualTo("sessions_preview");
  }

  @Test
  void create_jsonConfig_printsJsonSnippetWithBindingName() throws IOException {
    Files.writeString(cwd.resolve("wrangler.json"), "{\"name\": \"w\"}");
    CliHarness.Run run = cli.kv("namespace", "create", "x", "--binding", "MY_KV");
    assertThat(run.out())
        .contains(
            "{\n  \"kv_namespaces\": [\n    {\n      \"binding\": \"MY_KV\",\n      \"id\": \"");
  }

  @Test
  void create_duplicateTitle_friendlyError() {
    create("dup");
    CliHarness.Run run = cli.kv("namespace", "create", "dup");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("flarekv: A KV namespace with the title \"dup\" already exists.")
        .contains("flarekv kv namespace list");
    assertThat(run.err().lines()).hasSize(1);
  }

  @Test
  void list_sortedByTitle_itemsAsReturned() {
    assertThat(cli.kv("namespace", "list").out()).isEqualTo("[]\n");
    create("b");
    create("a");
    create("c");
    JsonNode all = list();
    assertThat(all).hasSize(3);
    assertThat(all.get(0).path("title").asText()).isEqualTo("a");
    assertThat(all.get(2).path("title").asText()).isEqualTo("c");
    assertThat(all.get(0).path("supports_url_encoding").asBoolean()).isTrue();
  }

  @Test
  void rename_byIdAndByTitle() {
    String id = create("old");
    CliHarness.Run byId = cli.kv("namespace", "rename", "--namespace-id", id, "--new-name", "mid");
    assertThat(byId.code()).isZero();
    assertThat(byId.out())
        .isEqualTo(
            "Renaming KV namespace "
                + id
                + " to \"mid\".\n\u2728 Successfully renamed namespace to \"mid\"\n");
    CliHarness.Run byTitle = cli.kv("namespace", "rename", "mid", "--new-name", "new");
    assertThat(byTitle.code()).isZero();
    assertThat(list().get(0).path("title").asText()).isEqualTo("new");
  }

  @Test
  void rename_errors() {
    CliHarness.Run missing = cli.kv("namespace", "rename", "nope", "--new-name", "x");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).startsWith("flarekv: No namespace found with the name \"nope\".");
    CliHarness.Run neither = cli.kv("namespace", "rename", "--new-name", "x");
    assertThat(neither.code()).isEqualTo(2);
    assertThat(neither.err())
        .startsWith(
            "flarekv: Either old-name (as first argument) or --namespace-id must be specified");
    CliHarness.Run noNewName = cli.kv("namespace", "rename", "a");
    assertThat(noNewName.code()).isEqualTo(2);
    assertThat(noNewName.err()).contains("--new-name");
  }

  @Test
  void delete_yes_byId() {
    String id = create("del");
    CliHarness.Run run = cli.kv("namespace", "delete", "--namespace-id", id, "-y");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "About to delete remote KV namespace id: \""
                + id
                + "\".\nThis action is irreversible and will permanently delete all data in"
                + " the KV namespace.\n\nDeleting KV namespace id: \""
                + id
                + "\".\nDeleted KV namespace id: \""
                + id
                + "\".\n");
    assertThat(list()).isEmpty();
  }

  @Test
  void delete_byTitle_withPromptAnsweredYes() {
    String id = create("del-me");
    CliHarness.Run run = cli.stdin("y\n").kv("namespace", "delete", "del-me");
    assertThat(run.code()).isZero();
    assertThat(run.out())
        .contains("Ok to proceed? (y/N) ")
        .endsWith("Deleted KV namespace name: \"del-me\" (id: \"" + id + "\").\n");
    assertThat(list()).isEmpty();
  }

  @Test
  void delete_promptAnsweredNoOrEndOfInput_keepsNamespace() {
    String id = create("keep");
    for (String answer : new String[] {"n\n", "", "\n", "nope\n"}) {
      CliHarness.Run run = cli.stdin(answer).kv("namespace", "delete", "--namespace-id", id);
      assertThat(run.code()).isZero();
      assertThat(run.out()).endsWith("Not deleting.\n");
    }
    assertThat(list()).hasSize(1);
  }

  @Test
  void delete_byBinding() throws IOException {
    String id = create("bound");
    Files.writeString(
        cwd.resolve("wrangler.toml"),
        "name = \"w\"\n[[kv_namespaces]]\nbinding = \"CACHE\"\nid = \"" + id + "\"\n");
    CliHarness.Run run = cli.kv("namespace", "delete", "--binding", "CACHE", "-y");
    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).contains("Deleted KV namespace binding: \"CACHE\" (id: \"" + id + "\").");
    assertThat(list()).isEmpty();
  }

  @Test
  void delete_selectorErrors() {
    CliHarness.Run none = cli.kv("namespace", "delete", "-y");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err())
        .startsWith(
            "flarekv: Must specify one of: namespace name (as positional argument), --binding, or"
                + " --namespace-id\n");
    CliHarness.Run two = cli.kv("namespace", "delete", "x", "--namespace-id", "y", "-y");
    assertThat(two.code()).isEqualTo(2);
    assertThat(two.err()).contains("Cannot specify multiple of");
    CliHarness.Run unknown = cli.kv("namespace", "delete", "ghost", "-y");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err())
        .startsWith("flarekv: Not able to delete namespace. No namespace found with the name");
    CliHarness.Run missingId =
        cli.kv("namespace", "delete", "--namespace-id", "0123456789abcdef0123456789abcdef", "-y");
    assertThat(missingId.code()).isEqualTo(1);
    assertThat(missingId.err()).contains("[code: 10013]");
  }
}
