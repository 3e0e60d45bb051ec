package dev.flarekv.server.modes.limits;

import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.KeyPage;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.storage.KvStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many bytes each account stores, for the Free plan's 1 GB limit: the UTF-8 bytes of every live
 * key, its value and its metadata. An account's total is computed from the store the first time it
 * is needed (so it is exact after a restart), then kept up to date by the writes and deletes that
 * pass the limits policy. Pairs that expire, and namespaces that are deleted, leave the kept total
 * too high, never too low; so before a write is refused the total is computed again from the store,
 * and a refusal is always based on what the store holds.
 */
final class StoredBytes {
  private static final int PAGE = 1000;

  private final KvStore store;
  private final Map<String, Long> totals = new HashMap<>();

  StoredBytes(KvStore store) {
    this.store = store;
  }

  /** The size an entry counts for. */
  static long size(KvEntry entry) {
    long metadata =
        entry.metadata() == null ? 0 : entry.metadata().getBytes(StandardCharsets.UTF_8).length;
    return entry.key().getBytes(StandardCharsets.UTF_8).length + entry.value().length + metadata;
  }

  /** The bytes the keys hold now in the namespace (0 for a missing key). */
  long sizeOf(NamespaceRef ns, Collection<String> keys) {
    if (keys.size() == 1) {
      return store.get(ns, keys.iterator().next()).map(StoredBytes::size).orElse(0L);
    }
    long sum = 0;
    for (KvEntry e : store.getAll(ns, keys).values()) {
      sum += e == null ? 0 : size(e);
    }
    return sum;
  }

  /** The account's total (computed from the store if not known). */
  synchronized long total(String account) {
    Long known = totals.get(account);
    if (known != null) {
      return known;
    }
    long scanned = scan(account);
    totals.put(account, scanned);
    return scanned;
  }

  /**
   * Adds {@code delta > 0} bytes to the account unless the total would pass {@code limit}; the kept
   * total is checked against the store before saying no.
   *
   * @return whether the bytes were counted
   */
  synchronized boolean reserve(String account, long delta, long limit) {
    long total = total(account);
    if (total + delta > limit) {
      total = scan(account);
      totals.put(account, total);
      if (total + delta > limit) {
        return false;
      }
    }
    totals.put(account, total + delta);
    return true;
  }

  /** Adds (or, negative, removes) bytes already written or deleted. */
  synchronized void add(String account, long delta) {
    Long known = totals.get(account);
    if (known != null) {
      totals.put(account, Math.max(0, known + delta));
    }
  }

  /** Forgets the account's total (a namespace was deleted): the next use computes it again. */
  synchronized void forget(String account) {
    totals.remove(account);
  }

  /** Every live pair of every namespace of the account, read page by page. */
  private long scan(String account) {
    long sum = 0;
    for (Namespace ns : store.namespaces(account)) {
      NamespaceRef ref = ns.ref();
      String after = null;
      while (true) {
        KeyPage page = store.list(ref, "", after, PAGE);
        List<String> keys = new ArrayList<>(page.keys().size());
        for (KeyInfo k : page.keys()) {
          keys.add(k.name());
        }
        if (!keys.isEmpty()) {
          for (KvEntry e : store.getAll(ref, keys).values()) {
            sum += e == null ? 0 : size(e);
          }
        }
        if (page.listComplete() || page.lastKey() == null || keys.isEmpty()) {
          break;
        }
        after = page.lastKey();
      }
    }
    return sum;
  }
}
