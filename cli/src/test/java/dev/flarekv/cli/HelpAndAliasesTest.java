package dev.flarekv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.json.KvJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class HelpAndAliasesTest extends CliServerTest {
  @TempDir Path cwd;
  CliHarness cli;

  @BeforeEach
  void setUp() {
    cli = new CliHarness(server, cwd);
  }

  /** Every command path under kv, e.g. ["key", "put"]. */
  private static List<List<String>> commandPaths() {
    List<List<String>> out = new ArrayList<>();
    collect(KvCli.commandLine(CliIo.system()), new ArrayList<>(), out);
    return out;
  }

  private static void collect(CommandLine cmd, List<String> path, List<List<String>> out) {
    out.add(List.copyOf(path));
    for (Map.Entry<String, CommandLine> sub : cmd.getSubcommands().entrySet()) {
      if (!sub.getKey().equals("help")) {
        path.add(sub.getKey());
        collect(sub.getValue(), path, out);
        path.remove(path.size() - 1);
      }
    }
  }

  @Test
  void everyCommandHasHelp() {
    List<List<String>> paths = commandPaths();
    // kv; namespace, key, bulk; their leaves (namespace: + fork); pull, push
    assertThat(paths).hasSize(1 + 3 + 5 + 4 + 3 + 2);
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      CliHarness.Run run = cli.kv(args.toArray(String[]::new));
      assertThat(run.code()).as(String.join(" ", args)).isZero();
      assertThat(run.out())
          .as(String.join(" ", args))
          .startsWith("Usage: kv" + (path.isEmpty() ? "" : " " + String.join(" ", path)));
      assertThat(run.err()).isEmpty();
    }
  }

  @Test
  void keyPutHelp_listsWranglerFlags() {
    String help = cli.kv("key", "put", "--help").out();
    for (String flag :
        List.of(
            "--namespace-id",
            "--binding",
            "--preview",
            "--ttl",
            "--expiration",
            "--metadata",
            "--path",
            "--url",
            "--api-token",
            "--account-id",
            "--config",
            "--remote",
            "--local")) {
      assertThat(help).contains(flag);
    }
  }

  @Test
  void groupWithoutSubcommand_printsUsage() {
    CliHarness.Run run = cli.kv("key");
    assertThat(run.code()).isZero();
    assertThat(run.out()).startsWith("Usage: kv key").contains("put").contains("list");
  }

  @Test
  void unknownCommand_usageErrorExit2() {
    CliHarness.Run run = cli.kv("key", "upsert");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).startsWith("flarekv: Unmatched argument").contains("--help");
    CliHarness.Run badTtl = cli.kv("key", "put", "k", "v", "--namespace-id", "x", "--ttl", "soon");
    assertThat(badTtl.code()).isEqualTo(2);
    assertThat(badTtl.err()).contains("--ttl");
  }

  @Test
  void installedUnderRoot_kvAndColonAliases() throws IOException {
    String ns = server.createNamespace("alias-" + UUID.randomUUID());
    assertThat(cli.root("kv", "key", "put", "a", "1", "--namespace-id", ns).code()).isZero();
    assertThat(cli.root("kv:key", "put", "b", "2", "--namespace-id", ns).code()).isZero();
    CliHarness.Run get = cli.root("kv:key", "get", "b", "--namespace-id", ns);
    assertThat(get.out()).isEqualTo("2");
    JsonNode keys = KvJson.parse(cli.root("kv:key", "list", "--namespace-id", ns).stdout());
    assertThat(keys).hasSize(2);

    Files.writeString(cwd.resolve("b.json"), "[{\"key\":\"c\",\"value\":\"3\"}]");
    assertThat(cli.root("kv:bulk", "put", "b.json", "--namespace-id", ns).code()).isZero();
    assertThat(cli.root("kv", "key", "get", "c", "--namespace-id", ns).out()).isEqualTo("3");

    CliHarness.Run list = cli.root("kv:namespace", "list");
    assertThat(list.code()).isZero();
    assertThat(list.out()).contains(ns);

    CliHarness.Run help = cli.root("kv:key", "get", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).startsWith("Usage: flarekv kv:key get");
    // the aliases work but are not advertised
    String rootHelp = cli.root("help").out();
    assertThat(rootHelp).contains("kv ").doesNotContain("kv:key");
  }

  @Test
  void generateCompletion_coversKvCommandsAndFlags() {
    CliHarness.Run run = cli.root("generate-completion");
    assertThat(run.code()).isZero();
    assertThat(run.out())
        .contains("Bash completion support for the `flarekv` command")
        .contains("kv namespace")
        .contains("--namespace-id")
        .contains("--binding");
  }

  @Test
  void installedUnderRoot_errorsUseTheSameHandler() {
    CliHarness.Run run = cli.root("kv:key", "get", "k", "--namespace-id", "nope", "--local");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).startsWith("flarekv: --local is not supported");
  }
}
