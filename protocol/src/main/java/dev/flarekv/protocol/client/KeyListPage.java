package dev.flarekv.protocol.client;

import dev.flarekv.protocol.model.KeyInfo;
import java.util.List;
import java.util.Objects;

/**
 * One page of a REST key listing as seen by {@link KvClient}.
 *
 * @param keys the keys of the page, in the order the server sent them
 * @param cursor the cursor for the next page, or {@code null} when the listing is complete (an
 *     empty cursor from the server is reported as {@code null})
 */
public record KeyListPage(List<KeyInfo> keys, String cursor) {
  public KeyListPage {
    keys = List.copyOf(Objects.requireNonNull(keys, "keys"));
    if (cursor != null && cursor.isEmpty()) {
      cursor = null;
    }
  }

  /** Whether another page may follow. */
  public boolean hasMore() {
    return cursor != null;
  }
}
