package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flarekv consistency}: the edge caches of a server started with {@code --consistency
 * eventual} ({@code GET /flarekv/v1/consistency}); {@code flarekv consistency flush} empties them.
 */
@Command(
    name = "consistency",
    mixinStandardHelpOptions = true,
    description = {
      "Show the edge caches of a server started with `flarekv serve --consistency eventual`:"
          + " how many reads each location has cached and how many recent writes are still"
          + " reaching other locations (see docs/modes.md)."
    },
    subcommands = {ConsistencyFlushCommand.class})
final class ConsistencyCommand extends LeafCommand {
  @Option(names = "--json", description = "Print the server's answer as JSON.")
  boolean json;

  @Override
  void run() {
    JsonNode stats = controls().get("consistency");
    PrintWriter out = out();
    if (json) {
      out.println(stats.toString());
      return;
    }
    out.println("consistency:    " + stats.path("consistency").asText());
    out.println("cached entries: " + stats.path("cached_entries").asText());
    out.println("recent writes:  " + stats.path("recent_writes").asText());
    JsonNode locations = stats.path("locations");
    if (locations.isEmpty()) {
      out.println("locations:      none has read yet");
      return;
    }
    out.println("locations:");
    for (Map.Entry<String, JsonNode> e : locations.properties()) {
      out.println("  " + e.getKey() + ": " + e.getValue().asText() + " cached");
    }
  }
}
