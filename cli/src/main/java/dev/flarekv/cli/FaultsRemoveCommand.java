package dev.flarekv.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code flarekv faults rm <id>}: removes one rule ({@code DELETE /flarekv/v1/faults/{id}}). */
@Command(
    name = "rm",
    mixinStandardHelpOptions = true,
    description = "Remove one fault rule by its id (as `flarekv faults list` shows it).")
final class FaultsRemoveCommand extends LeafCommand {
  @Parameters(index = "0", paramLabel = "<id>", description = "The rule's id, e.g. f1.")
  String id;

  @Override
  void run() {
    controls().delete("faults/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
    out().println("Removed fault rule " + id + ".");
  }
}
