package dev.flarekv.server.modes.limits;

import dev.flarekv.protocol.model.NamespaceRef;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Cloudflare's one write per second to the same key (docs/kv-semantics.md Q1): a key written (put
 * or deleted) in one second of the emulated clock takes no other write in that second. A request
 * that writes several keys (a bulk write or delete) is admitted whole or refused whole.
 */
final class SameKeyWrites {
  /** Marks kept before old ones are dropped; any mark of an earlier second is no longer needed. */
  private static final int PRUNE_AT = 100_000;

  private final Map<String, Long> lastSecond = new HashMap<>();

  /**
   * Marks the keys as written in {@code second} unless one of them already was.
   *
   * @param second the emulated clock's second (seconds since the epoch)
   * @return whether the write may go ahead
   */
  synchronized boolean admit(NamespaceRef ns, Collection<String> keys, long second) {
    String prefix = ns.accountId() + '/' + ns.namespaceId() + '/';
    for (String key : keys) {
      Long last = lastSecond.get(prefix + key);
      if (last != null && last == second) {
        return false;
      }
    }
    if (lastSecond.size() + keys.size() > PRUNE_AT) {
      prune(second);
    }
    for (String key : keys) {
      lastSecond.put(prefix + key, second);
    }
    return true;
  }

  private void prune(long second) {
    for (Iterator<Long> it = lastSecond.values().iterator(); it.hasNext(); ) {
      if (it.next() != second) {
        it.remove();
      }
    }
  }
}
