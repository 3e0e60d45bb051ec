package dev.flarekv.server.modes.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.protocol.validation.KvValidator;
import dev.flarekv.server.pipeline.KvOperation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads fault rules, from a control request's body or from {@code flarekv serve --faults FILE}, and
 * refuses every malformed one with the reason (docs/modes.md has the schema). A field given as
 * {@code null} counts as absent, so a listed rule's fields can be sent back as they are.
 */
final class FaultRuleParser {
  /** The longest latency a rule may add: it holds a storage thread that long. */
  static final long MAX_LATENCY_MS = 60_000;

  private static final Set<String> FIELDS =
      Set.of(
          "namespace", "prefix", "ops", "surface", "status", "latency_ms", "probability", "count");

  private FaultRuleParser() {}

  /**
   * One rule.
   *
   * @throws KvException 400 with the reason when the rule is malformed
   */
  static FaultSpec parse(JsonNode rule) {
    if (rule == null || !rule.isObject()) {
      throw invalid("a fault rule must be a JSON object");
    }
    for (Iterator<String> it = rule.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!FIELDS.contains(name)) {
        throw invalid(
            "unknown field \""
                + name
                + "\" in a fault rule; its fields are namespace, prefix, ops, surface, status,"
                + " latency_ms, probability and count");
      }
    }
    String namespace = text(rule, "namespace");
    if (namespace != null && !KvValidator.isValidNamespaceId(namespace)) {
      throw invalid("namespace must be a namespace id: 32 lowercase hex characters");
    }
    String prefix = text(rule, "prefix");
    Set<FaultOp> ops = ops(rule.get("ops"));
    KvOperation.Surface surface = surface(text(rule, "surface"));
    long status = whole(rule, "status", 0);
    if (present(rule, "status") && (status < 400 || status > 599)) {
      throw invalid("status must be an HTTP error status from 400 to 599, got " + status);
    }
    long latency = whole(rule, "latency_ms", 0);
    if (latency < 0 || latency > MAX_LATENCY_MS) {
      throw invalid(
          "latency_ms must be a whole number of milliseconds from 0 to "
              + MAX_LATENCY_MS
              + ", got "
              + latency);
    }
    double probability = probability(rule.get("probability"));
    long count = whole(rule, "count", 0);
    if (present(rule, "count") && count < 1) {
      throw invalid("count must be a whole number of at least 1, got " + count);
    }
    if (status == 0 && latency == 0) {
      throw invalid(
          "a fault rule needs a status (an HTTP error status to answer with), a latency_ms above"
              + " 0, or both");
    }
    return new FaultSpec(
        namespace, prefix, ops, surface, (int) status, latency, probability, count);
  }

  /**
   * The rules of a {@code --faults} file: a JSON array of rules.
   *
   * @throws IllegalArgumentException with a one-line message naming the file (and the rule, by its
   *     position from 1) when the file is missing, unreadable or holds a malformed rule
   */
  static List<FaultSpec> readFile(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("faults file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("faults file " + file + " cannot be read: " + e, e);
    }
    JsonNode rules;
    try {
      rules = KvJson.parse(bytes);
    } catch (KvException e) {
      throw new IllegalArgumentException(
          "faults file " + file + " is not JSON: " + e.getMessage(), e);
    }
    if (!rules.isArray()) {
      throw new IllegalArgumentException(
          "faults file " + file + " must hold a JSON array of fault rules (docs/modes.md)");
    }
    List<FaultSpec> specs = new ArrayList<>(rules.size());
    for (int i = 0; i < rules.size(); i++) {
      try {
        specs.add(parse(rules.get(i)));
      } catch (KvException e) {
        throw new IllegalArgumentException(
            "faults file " + file + " rule " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return specs;
  }

  private static boolean present(JsonNode rule, String field) {
    JsonNode value = rule.get(field);
    return value != null && !value.isNull();
  }

  private static String text(JsonNode rule, String field) {
    if (!present(rule, field)) {
      return null;
    }
    JsonNode value = rule.get(field);
    if (!value.isTextual()) {
      throw invalid(field + " must be a string");
    }
    return value.textValue();
  }

  private static long whole(JsonNode rule, String field, long absent) {
    if (!present(rule, field)) {
      return absent;
    }
    JsonNode value = rule.get(field);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw invalid(field + " must be a whole number, got " + value);
    }
    return value.longValue();
  }

  private static Set<FaultOp> ops(JsonNode value) {
    if (value == null || value.isNull()) {
      return Set.of();
    }
    if (!value.isArray() || value.isEmpty()) {
      throw invalid("ops must be a non-empty array of operation names: " + FaultOp.names());
    }
    Set<FaultOp> ops = EnumSet.noneOf(FaultOp.class);
    for (JsonNode name : value) {
      FaultOp op = name.isTextual() ? FaultOp.parse(name.textValue()) : null;
      if (op == null) {
        throw invalid("unknown op " + name + "; the ops are " + FaultOp.names());
      }
      ops.add(op);
    }
    return ops;
  }

  private static KvOperation.Surface surface(String value) {
    if (value == null) {
      return null;
    }
    switch (value) {
      case "rest":
        return KvOperation.Surface.REST;
      case "binding":
        return KvOperation.Surface.BINDING;
      default:
        throw invalid("surface must be \"rest\" or \"binding\", got \"" + value + "\"");
    }
  }

  private static double probability(JsonNode value) {
    if (value == null || value.isNull()) {
      return 1;
    }
    if (!value.isNumber() || !(value.doubleValue() >= 0 && value.doubleValue() <= 1)) {
      throw invalid("probability must be a number from 0 to 1, got " + value);
    }
    return value.doubleValue();
  }

  private static KvException invalid(String message) {
    return ErrorCode.INVALID_REQUEST.exception(message);
  }
}
