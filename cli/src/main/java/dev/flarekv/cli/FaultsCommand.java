package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code flarekv faults}: the server's fault and latency rules ({@code /flarekv/v1/faults}, see
 * docs/modes.md); prints its usage when run alone.
 */
@Command(
    name = "faults",
    mixinStandardHelpOptions = true,
    description = {
      "Make the server fail or slow down chosen KV operations on purpose: add, list and remove"
          + " fault rules (also loaded at start by `flarekv serve --faults FILE`; see"
          + " docs/modes.md)."
    },
    subcommands = {
      FaultsAddCommand.class,
      FaultsListCommand.class,
      FaultsRemoveCommand.class,
      FaultsClearCommand.class
    })
final class FaultsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * One rule on one line: its id, then each field as {@code name=value} (strings JSON-quoted), then
   * how often it fired and whether it is spent, e.g. {@code f1 prefix="cache:" ops=get status=503
   * probability=1.0 fired=2 active}.
   */
  static String line(JsonNode rule) {
    StringBuilder out = new StringBuilder(rule.path("id").asText());
    for (Iterator<Map.Entry<String, JsonNode>> it = rule.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      JsonNode value = field.getValue();
      if (name.equals("id") || name.equals("active")) {
        continue;
      }
      out.append(' ').append(name).append('=');
      if (value.isArray()) {
        for (int i = 0; i < value.size(); i++) {
          out.append(i == 0 ? "" : ",").append(value.get(i).asText());
        }
      } else {
        out.append(value.toString());
      }
    }
    out.append(rule.path("active").asBoolean(true) ? " active" : " spent");
    return out.toString();
  }
}
