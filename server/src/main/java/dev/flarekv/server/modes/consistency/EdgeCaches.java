package dev.flarekv.server.modes.consistency;

import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.NamespaceRef;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What each edge location has read: per location, namespace and key, the value (or the miss) a read
 * saw and until when the location may serve it again without asking (its {@code cacheTtl},
 * docs/kv-semantics.md R2). All locations share one map, bounded by {@link #maxEntries} entries and
 * {@link #maxBytes} bytes of values; past either bound the oldest entries go first (an evicted
 * entry is simply read again next time, as an edge does after eviction). Not thread-safe: {@link
 * EdgeCachePolicy} guards it.
 */
final class EdgeCaches {
  /** A location's copy of one key. */
  record Key(String location, NamespaceRef namespace, String key) {}

  /**
   * What a location read.
   *
   * @param entry the value, null for a miss
   * @param untilMillis when the location asks again
   */
  record Cached(KvEntry entry, long untilMillis) {
    long bytes() {
      return entry == null ? 0 : entry.value().length + (long) entry.key().length();
    }
  }

  private final int maxEntries;
  private final long maxBytes;
  private final LinkedHashMap<Key, Cached> entries = new LinkedHashMap<>();
  private long bytes;

  EdgeCaches(int maxEntries, long maxBytes) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  /** The location's copy of the key, or null when it has none it may still serve at {@code now}. */
  Cached get(String location, NamespaceRef ns, String key, long now) {
    Key k = new Key(location, ns, key);
    Cached c = entries.get(k);
    if (c != null && c.untilMillis() <= now) {
      remove(k);
      return null;
    }
    return c;
  }

  /** Keeps what the location read (null for a miss) until {@code untilMillis}. */
  void put(String location, NamespaceRef ns, String key, KvEntry entry, long untilMillis) {
    Key k = new Key(location, ns, key);
    remove(k); // re-inserted at the young end
    Cached c = new Cached(entry, untilMillis);
    entries.put(k, c);
    bytes += c.bytes();
    evict();
  }

  /** Drops the location's copies of the keys (after it wrote them: it reads its own write). */
  void invalidate(String location, NamespaceRef ns, Collection<String> keys) {
    for (String key : keys) {
      remove(new Key(location, ns, key));
    }
  }

  /** Drops every location's copies of the namespace's keys (it was deleted). */
  void forgetNamespace(NamespaceRef ns) {
    removeIf(k -> k.namespace().equals(ns));
  }

  /** Empties every location's cache; returns how many entries could still be served at now. */
  int clear(long now) {
    int n = 0;
    for (Cached c : entries.values()) {
      n += c.untilMillis() > now ? 1 : 0;
    }
    entries.clear();
    bytes = 0;
    return n;
  }

  /** The number of entries each location may still serve at {@code now}, by location name. */
  Map<String, Integer> perLocation(long now) {
    Map<String, Integer> out = new TreeMap<>();
    for (Map.Entry<Key, Cached> e : entries.entrySet()) {
      if (e.getValue().untilMillis() > now) {
        out.merge(e.getKey().location(), 1, Integer::sum);
      }
    }
    return out;
  }

  int size() {
    return entries.size();
  }

  private void remove(Key k) {
    Cached old = entries.remove(k);
    if (old != null) {
      bytes -= old.bytes();
    }
  }

  private void removeIf(Predicate<Key> test) {
    Iterator<Map.Entry<Key, Cached>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Key, Cached> e = it.next();
      if (test.test(e.getKey())) {
        bytes -= e.getValue().bytes();
        it.remove();
      }
    }
  }

  private void evict() {
    Iterator<Map.Entry<Key, Cached>> it = entries.entrySet().iterator();
    while ((entries.size() > maxEntries || bytes > maxBytes) && it.hasNext()) {
      bytes -= it.next().getValue().bytes();
      it.remove();
    }
  }
}
