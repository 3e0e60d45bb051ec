package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.json.KvJson;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flarekv reset}: deletes every namespace of every account and applies the server's start
 * seeds again ({@code POST /flarekv/v1/reset}, docs/state.md).
 */
@Command(
    name = "reset",
    mixinStandardHelpOptions = true,
    description = {
      "Delete every namespace of every account, then apply the seed files the server started"
          + " with (`flarekv serve --seed`), as they were read at start; without seeds the"
          + " server ends empty. Needs a token that is not scoped to accounts (see docs/state.md)."
    })
final class ResetCommand extends LeafCommand {
  @Option(names = "--json", description = "Print the server's answer as JSON.")
  boolean json;

  @Override
  void run() {
    JsonNode result = controls().post("reset", KvJson.mapper().createObjectNode());
    PrintWriter out = out();
    if (json) {
      out.println(result.toString());
      return;
    }
    out.println(
        "Reset: deleted "
            + result.path("deleted_namespaces").asInt()
            + " namespaces, seeded "
            + result.path("namespaces").size()
            + " namespaces with "
            + result.path("keys_written").asLong()
            + " keys");
  }
}
