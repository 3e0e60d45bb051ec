package dev.flarekv.server.modes.faults;

import dev.flarekv.server.pipeline.KvOperation;
import java.util.Locale;

/**
 * The operations a fault rule can name ({@code "ops"}), as the rule spells them. Several pipeline
 * kinds are one operation here: a value read, a memory-only read and a metadata read are all {@link
 * #GET}. Namespace operations, the REST API's account routes and the emulator controls are not
 * faultable: a fault rule is about a Worker's or an app's KV traffic, and the controls must keep
 * working to remove a rule.
 */
enum FaultOp {
  GET,
  PUT,
  DELETE,
  LIST,
  BULK_GET,
  BULK_PUT,
  BULK_DELETE;

  /** The name in a rule: {@code get}, {@code bulk_put}, ... */
  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The operation {@code name} spells, or null for an unknown name. */
  static FaultOp parse(String name) {
    for (FaultOp op : values()) {
      if (op.wire().equals(name)) {
        return op;
      }
    }
    return null;
  }

  /** Every name, for error messages. */
  static String names() {
    StringBuilder out = new StringBuilder();
    for (FaultOp op : values()) {
      out.append(out.length() == 0 ? "" : ", ").append(op.wire());
    }
    return out.toString();
  }

  /** The faultable operation of a pipeline kind, or null when that kind is never faulted. */
  static FaultOp of(KvOperation.Kind kind) {
    switch (kind) {
      case GET:
      case GET_CACHED:
      case GET_METADATA:
        return GET;
      case PUT:
        return PUT;
      case DELETE:
        return DELETE;
      case LIST:
        return LIST;
      case BULK_GET:
        return BULK_GET;
      case BULK_PUT:
        return BULK_PUT;
      case BULK_DELETE:
        return BULK_DELETE;
      default:
        return null;
    }
  }
}
