package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/**
 * {@code flarekv consistency flush}: every edge location forgets what it cached and every pending
 * write arrives, so every location reads the central store ({@code POST
 * /flarekv/v1/consistency/flush}).
 */
@Command(
    name = "flush",
    mixinStandardHelpOptions = true,
    description = {
      "Empty every edge cache of a server started with `--consistency eventual`: from now on"
          + " every location reads the latest values (needs an API token for all accounts)."
    })
final class ConsistencyFlushCommand extends LeafCommand {

  @Override
  void run() {
    JsonNode flushed = controls().post("consistency/flush", null);
    out()
        .println(
            "Flushed "
                + flushed.path("flushed_entries").asText()
                + " cached reads and "
                + flushed.path("dropped_writes").asText()
                + " recent writes: every location now reads the latest values.");
  }
}
