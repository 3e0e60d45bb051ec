package dev.flarekv.server.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.model.KeyPage;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.server.api.ApiReply;
import java.util.List;
import java.util.Optional;

/**
 * What the store answered to one {@link KvOperation}, for its surface to render. Its kind says
 * which accessor applies; the others throw.
 */
public final class KvResult {
  /** A write or delete done. */
  public static final KvResult DONE = new KvResult(null);

  /** A memory-only read that would have blocked: the request goes the blocking way. */
  public static final KvResult DECLINED = new KvResult(null);

  private final Object value;

  private KvResult(Object value) {
    this.value = value;
  }

  static KvResult of(Object value) {
    return new KvResult(value);
  }

  /** A read's value, empty when missing ({@code GET}, {@code GET_CACHED}, {@code GET_METADATA}). */
  @SuppressWarnings("unchecked")
  public Optional<KvEntry> entry() {
    return (Optional<KvEntry>) as(Optional.class);
  }

  /** A list's page. */
  public KeyPage page() {
    return as(KeyPage.class);
  }

  /** A bulk read's map of key to value (or null when missing). */
  public ObjectNode values() {
    return as(ObjectNode.class);
  }

  /** How many keys a bulk write or delete touched. */
  public int count() {
    return as(Integer.class);
  }

  /** A call's own reply. */
  public ApiReply reply() {
    return as(ApiReply.class);
  }

  /** The namespace a namespace operation read, created or renamed; empty when missing. */
  @SuppressWarnings("unchecked")
  public Optional<Namespace> namespace() {
    return value instanceof Namespace ns
        ? Optional.of(ns)
        : (Optional<Namespace>) as(Optional.class);
  }

  /** The namespaces of an account. */
  @SuppressWarnings("unchecked")
  public List<Namespace> namespaces() {
    return (List<Namespace>) as(List.class);
  }

  private <T> T as(Class<T> type) {
    if (!type.isInstance(value)) {
      throw new IllegalStateException("no " + type.getSimpleName() + " in this result");
    }
    return type.cast(value);
  }
}
