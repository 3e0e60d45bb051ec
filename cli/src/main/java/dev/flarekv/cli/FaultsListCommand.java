package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flarekv faults list}: the server's fault rules ({@code GET /flarekv/v1/faults}). */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List the server's fault rules, one per line, with how often each fired.")
final class FaultsListCommand extends LeafCommand {
  @Option(names = "--json", description = "Print the server's answer as JSON.")
  boolean json;

  @Override
  void run() {
    JsonNode rules = controls().get("faults");
    if (json) {
      out().println(rules.toString());
      return;
    }
    if (rules.isEmpty()) {
      out().println("No fault rules.");
      return;
    }
    for (JsonNode rule : rules) {
      out().println(FaultsCommand.line(rule));
    }
  }
}
