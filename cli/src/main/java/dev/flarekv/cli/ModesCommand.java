package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flarekv modes}: which realism modes the server runs ({@code GET /flarekv/v1/modes}). */
@Command(
    name = "modes",
    mixinStandardHelpOptions = true,
    description = {
      "Show which production-realism modes the server runs: its clock, Cloudflare limits,"
          + " consistency and random seed (set with `flarekv serve --clock, --limits,"
          + " --consistency, --random-seed`; see docs/modes.md)."
    })
final class ModesCommand extends LeafCommand {
  @Option(names = "--json", description = "Print the server's answer as JSON.")
  boolean json;

  @Override
  void run() {
    JsonNode modes = controls().get("modes");
    PrintWriter out = out();
    if (json) {
      out.println(modes.toString());
      return;
    }
    out.println("clock:       " + modes.path("clock").asText());
    out.println("limits:      " + modes.path("limits").asText());
    out.println("consistency: " + modes.path("consistency").asText());
    JsonNode seed = modes.path("random_seed");
    out.println("random seed: " + (seed.isNumber() ? seed.asText() : "random"));
  }
}
