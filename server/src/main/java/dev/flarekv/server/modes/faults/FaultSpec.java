package dev.flarekv.server.modes.faults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.server.pipeline.KvOperation;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;

/**
 * What a fault rule matches and what it does, as given (validated by {@link FaultRuleParser}).
 * Every filter that is null (or, for {@code ops}, empty) matches everything.
 *
 * @param namespace the namespace id an operation must be in, or null
 * @param prefix the key prefix an operation must touch, or null
 * @param ops the operations matched, empty for all
 * @param surface the listener an operation must come in on, or null
 * @param status the HTTP error status to answer with, or 0 to let the operation run
 * @param latencyMs how long to wait before the operation runs (or fails), 0 for no wait
 * @param probability the chance that a matching operation fires the rule, 0 to 1
 * @param count how many times the rule fires before it is spent, or 0 for no end
 */
record FaultSpec(
    String namespace,
    String prefix,
    Set<FaultOp> ops,
    KvOperation.Surface surface,
    int status,
    long latencyMs,
    double probability,
    long count) {

  FaultSpec {
    ops = Set.copyOf(ops);
  }

  /**
   * Whether the operation is one this rule is about. A prefix matches an operation that may touch a
   * key under it: a one-key operation whose key starts with it, a bulk operation with at least one
   * such key, a list whose range overlaps it (its prefix starts with the rule's, or is itself a
   * start of the rule's prefix: a list of everything also lists the rule's keys).
   *
   * @param op a faultable operation ({@link FaultOp#of} is not null)
   * @param kind its faultable kind
   */
  boolean matches(KvOperation op, FaultOp kind) {
    if (!ops.isEmpty() && !ops.contains(kind)) {
      return false;
    }
    if (surface != null && surface != op.origin().surface()) {
      return false;
    }
    if (namespace != null && !namespace.equals(op.namespace().namespaceId())) {
      return false;
    }
    return prefix == null || touchesPrefix(op, kind);
  }

  private boolean touchesPrefix(KvOperation op, FaultOp kind) {
    switch (kind) {
      case LIST:
        String listed = op.listQuery().prefix();
        return listed == null || listed.startsWith(prefix) || prefix.startsWith(listed);
      case BULK_GET:
        return anyUnder(op.bulkRead().keys());
      case BULK_DELETE:
        return anyUnder(op.keys());
      case BULK_PUT:
        for (KvEntry entry : op.entries()) {
          if (entry.key().startsWith(prefix)) {
            return true;
          }
        }
        return false;
      default:
        return op.key().startsWith(prefix);
    }
  }

  private boolean anyUnder(Collection<String> keys) {
    for (String key : keys) {
      if (key.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** The rule as it is written: the fields given, in the order of docs/modes.md. */
  ObjectNode toJson() {
    ObjectNode out = KvJson.mapper().createObjectNode();
    if (namespace != null) {
      out.put("namespace", namespace);
    }
    if (prefix != null) {
      out.put("prefix", prefix);
    }
    if (!ops.isEmpty()) {
      var array = out.putArray("ops");
      for (FaultOp op : FaultOp.values()) {
        if (ops.contains(op)) {
          array.add(op.wire());
        }
      }
    }
    if (surface != null) {
      out.put("surface", surface.name().toLowerCase(Locale.ROOT));
    }
    if (status != 0) {
      out.put("status", status);
    }
    if (latencyMs != 0) {
      out.put("latency_ms", latencyMs);
    }
    out.put("probability", probability);
    if (count != 0) {
      out.put("count", count);
    }
    return out;
  }
}
