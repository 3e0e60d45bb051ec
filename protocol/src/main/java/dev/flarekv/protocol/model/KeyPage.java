package dev.flarekv.protocol.model;

import java.util.List;
import java.util.Objects;

/**
 * One page of a key listing, in ascending UTF-8 byte order of the names.
 *
 * @param keys the keys of this page, at most the requested limit, never expired ones
 * @param listComplete whether no key after the last one of this page matches the query
 */
public record KeyPage(List<KeyInfo> keys, boolean listComplete) {
  public KeyPage {
    keys = List.copyOf(Objects.requireNonNull(keys, "keys"));
  }

  /** The name of the last key of the page, the position a cursor resumes after; null if empty. */
  public String lastKey() {
    return keys.isEmpty() ? null : keys.get(keys.size() - 1).name();
  }
}
