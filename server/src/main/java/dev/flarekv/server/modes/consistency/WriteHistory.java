package dev.flarekv.server.modes.consistency;

import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.NamespaceRef;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recent writes of each key, newest last, each with the location that made it, its propagation
 * delay and the value it replaced: what the central store looked like to a location the write has
 * not reached yet. A write older than {@link Propagation#MAX_DELAY_MILLIS} has reached every
 * location and is pruned.
 *
 * <p>Bounded by {@link #maxWrites} writes and {@link #maxBytes} bytes of replaced values; past
 * either bound the keys written least recently lose their history first, so their writes show
 * everywhere at once (early, never late). Not thread-safe: {@link EdgeCachePolicy} guards it.
 */
final class WriteHistory {
  /** One key of one namespace. */
  record Key(NamespaceRef namespace, String key) {}

  /**
   * One write of one key.
   *
   * @param atMillis when it was made
   * @param writer the location that made it, null for the REST API (no location)
   * @param visibleAtMillis when it reaches the other locations
   * @param before the value it replaced, null when the key was missing
   */
  record Write(long atMillis, String writer, long visibleAtMillis, KvEntry before) {
    long bytes() {
      return before == null ? 0 : before.value().length + (long) before.key().length();
    }
  }

  /**
   * What a location sees of a key.
   *
   * @param entry the value, null for a miss
   * @param untilMillis when that may change (a pending write reaches the location), or {@link
   *     Long#MAX_VALUE}
   */
  record Seen(KvEntry entry, long untilMillis) {}

  private final int maxWrites;
  private final long maxBytes;
  private final LinkedHashMap<Key, Deque<Write>> writes = new LinkedHashMap<>();
  private int count;
  private long bytes;

  WriteHistory(int maxWrites, long maxBytes) {
    this.maxWrites = maxWrites;
    this.maxBytes = maxBytes;
  }

  /**
   * One write operation about to reach the store: one delay for all its keys.
   *
   * @param before each key's value before the write, absent when missing
   * @param writer the writing binding location, null for the REST API
   * @param now when it is made (emulated clock, ms)
   * @param delayMillis how long other locations take to see it
   */
  record Change(
      NamespaceRef ns,
      Collection<String> keys,
      Map<String, KvEntry> before,
      String writer,
      long now,
      long delayMillis) {}

  /**
   * Records a write of {@code change.keys()}.
   *
   * @return the writes recorded, to {@link #forget} if the write fails
   */
  List<Write> record(Change change) {
    long now = change.now();
    List<Write> made = new ArrayList<>(change.keys().size());
    for (String key : change.keys()) {
      Key k = new Key(change.ns(), key);
      Deque<Write> history = writes.remove(k); // re-inserted at the young end
      if (history == null) {
        history = new ArrayDeque<>(2);
      }
      prune(history, now);
      Write w =
          new Write(now, change.writer(), now + change.delayMillis(), change.before().get(key));
      history.addLast(w);
      count++;
      bytes += w.bytes();
      writes.put(k, history);
      made.add(w);
    }
    evict();
    return made;
  }

  /** Takes back writes that {@link #record} recorded but the store refused. */
  void forget(NamespaceRef ns, Collection<String> keys, List<Write> made) {
    for (String key : keys) {
      Key k = new Key(ns, key);
      Deque<Write> history = writes.get(k);
      if (history == null) {
        continue;
      }
      Iterator<Write> it = history.iterator();
      while (it.hasNext()) {
        Write w = it.next();
        if (made.stream().anyMatch(m -> m == w)) {
          it.remove();
          count--;
          bytes -= w.bytes();
        }
      }
      if (history.isEmpty()) {
        writes.remove(k);
      }
    }
  }

  /**
   * What {@code location} sees of the key at {@code now}, given the central store's value: the
   * writes after the location's own last write that have not reached it yet are undone, oldest
   * first, so the location sees the value before the oldest of them. A location thus sees a key's
   * writes in the order they were made, and its own at once.
   */
  Seen seenAt(NamespaceRef ns, String key, String location, long now, KvEntry central) {
    Key k = new Key(ns, key);
    Deque<Write> history = writes.get(k);
    if (history == null) {
      return new Seen(central, Long.MAX_VALUE);
    }
    prune(history, now);
    if (history.isEmpty()) {
      writes.remove(k);
      return new Seen(central, Long.MAX_VALUE);
    }
    Write oldestPending = null;
    for (Write w : history) {
      if (location.equals(w.writer())) {
        oldestPending = null; // everything before its own write is what it wrote over
      } else if (oldestPending == null && w.visibleAtMillis() > now) {
        oldestPending = w;
      }
    }
    return oldestPending == null
        ? new Seen(central, Long.MAX_VALUE)
        : new Seen(oldestPending.before(), oldestPending.visibleAtMillis());
  }

  /** Drops the namespace's history (it was deleted). */
  void forgetNamespace(NamespaceRef ns) {
    Iterator<Map.Entry<Key, Deque<Write>>> it = writes.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Key, Deque<Write>> e = it.next();
      if (e.getKey().namespace().equals(ns)) {
        drop(e.getValue());
        it.remove();
      }
    }
  }

  /** Forgets every write, which then shows everywhere; returns how many were {@link #pending}. */
  int clear(long now) {
    int n = pending(now);
    writes.clear();
    count = 0;
    bytes = 0;
    return n;
  }

  /** The writes that may not have reached every location at {@code now}. */
  int pending(long now) {
    int n = 0;
    for (Deque<Write> history : writes.values()) {
      for (Write w : history) {
        n += w.atMillis() + Propagation.MAX_DELAY_MILLIS > now ? 1 : 0;
      }
    }
    return n;
  }

  /** Drops the writes that have reached every location. */
  private void prune(Deque<Write> history, long now) {
    while (!history.isEmpty()
        && history.peekFirst().atMillis() + Propagation.MAX_DELAY_MILLIS <= now) {
      Write w = history.removeFirst();
      count--;
      bytes -= w.bytes();
    }
  }

  private void drop(Deque<Write> history) {
    for (Write w : history) {
      count--;
      bytes -= w.bytes();
    }
  }

  private void evict() {
    Iterator<Map.Entry<Key, Deque<Write>>> it = writes.entrySet().iterator();
    while ((count > maxWrites || bytes > maxBytes) && it.hasNext()) {
      drop(it.next().getValue());
      it.remove();
    }
  }
}
