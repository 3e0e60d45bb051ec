package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.json.KvJson;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code flarekv faults add}: adds one rule ({@code POST /flarekv/v1/faults}), from flags or from a
 * whole JSON rule ({@code --json}). The server checks the rule and answers why it refuses one.
 */
@Command(
    name = "add",
    mixinStandardHelpOptions = true,
    description = {
      "Add a fault rule: matching operations wait --latency and/or fail with --status.",
      "Example: flarekv faults add --status 503 --ops get --prefix cache: --surface binding"
    })
final class FaultsAddCommand extends LeafCommand {
  @Option(
      names = "--status",
      paramLabel = "<4xx|5xx>",
      description = "Answer matching operations with this HTTP error status (e.g. 503, 500, 429).")
  Integer status;

  @Option(
      names = "--latency",
      paramLabel = "<duration>",
      converter = Millis.class,
      description =
          "Wait this long before each matching operation: 200ms, 1.5s, 2s (a bare number"
              + " is milliseconds).")
  Long latencyMs;

  @Option(
      names = "--ops",
      split = ",",
      paramLabel = "<op>",
      description =
          "Only these operations: get, put, delete, list, bulk_get, bulk_put, bulk_delete"
              + " (comma-separated; default all).")
  List<String> ops;

  @Option(names = "--prefix", paramLabel = "<prefix>", description = "Only keys with this prefix.")
  String prefix;

  @Option(
      names = "--surface",
      paramLabel = "rest|binding",
      description = "Only requests on this surface: the REST API or the workerd binding.")
  String surface;

  @Option(
      names = "--namespace",
      paramLabel = "<namespace-id>",
      description = "Only this namespace (its 32-character id).")
  String namespace;

  @Option(
      names = "--probability",
      paramLabel = "<0..1>",
      description = "The chance that a matching operation fires the rule (default 1).")
  Double probability;

  @Option(
      names = "--count",
      paramLabel = "<n>",
      description = "Fire this many times, then stop (default: no end).")
  Long count;

  @Option(
      names = "--json",
      paramLabel = "<rule>",
      description =
          "The whole rule as JSON, e.g. '{\"status\":503,\"ops\":[\"get\"]}' (instead of the"
              + " other flags).")
  String json;

  @Override
  void run() {
    JsonNode rule = json != null ? fromJson() : fromFlags();
    JsonNode added = controls().post("faults", rule);
    out().println("Added fault rule " + FaultsCommand.line(added));
  }

  private JsonNode fromJson() {
    if (status != null
        || latencyMs != null
        || ops != null
        || prefix != null
        || surface != null
        || namespace != null
        || probability != null
        || count != null) {
      throw new UserError("--json takes the whole rule; give the other rule flags inside it");
    }
    try {
      return KvJson.mapper().readTree(json);
    } catch (java.io.IOException e) {
      throw new UserError("--json is not valid JSON: " + KvExitCodes.oneLine(e.getMessage()));
    }
  }

  private JsonNode fromFlags() {
    ObjectNode rule = KvJson.mapper().createObjectNode();
    if (namespace != null) {
      rule.put("namespace", namespace);
    }
    if (prefix != null) {
      rule.put("prefix", prefix);
    }
    if (ops != null) {
      ArrayNode array = rule.putArray("ops");
      ops.forEach(op -> array.add(op.trim().toLowerCase(Locale.ROOT)));
    }
    if (surface != null) {
      rule.put("surface", surface.toLowerCase(Locale.ROOT));
    }
    if (status != null) {
      rule.put("status", status);
    }
    if (latencyMs != null) {
      rule.put("latency_ms", latencyMs);
    }
    if (probability != null) {
      rule.put("probability", probability);
    }
    if (count != null) {
      rule.put("count", count);
    }
    return rule;
  }

  /** {@code 200ms}, {@code 1.5s}, {@code 2s}, {@code 1m} or a bare number of milliseconds. */
  static final class Millis implements ITypeConverter<Long> {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)?");

    @Override
    public Long convert(String value) {
      Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw new TypeConversionException(
            "'" + value + "' is not a duration: use 200ms, 1.5s, 2s or 1m");
      }
      double amount = Double.parseDouble(m.group(1));
      String unit = m.group(2) == null ? "ms" : m.group(2);
      double millis =
          switch (unit) {
            case "s" -> amount * 1_000;
            case "m" -> amount * 60_000;
            default -> amount;
          };
      return Math.round(millis);
    }
  }
}
