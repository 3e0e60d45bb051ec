package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code flarekv faults clear}: removes every rule ({@code DELETE /flarekv/v1/faults}). */
@Command(name = "clear", mixinStandardHelpOptions = true, description = "Remove every fault rule.")
final class FaultsClearCommand extends LeafCommand {

  @Override
  void run() {
    JsonNode removed = controls().delete("faults");
    int n = removed.size();
    out().println("Removed " + n + " fault rule" + (n == 1 ? "" : "s") + ".");
  }
}
