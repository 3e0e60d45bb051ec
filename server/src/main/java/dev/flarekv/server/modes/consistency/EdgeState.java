package dev.flarekv.server.modes.consistency;

import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.NamespaceRef;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The state of the eventual-consistency model, behind one lock: the edge caches ({@link
 * EdgeCaches}) and the recent writes ({@link WriteHistory}). Every method is short and touches
 * memory only, so an event loop may call it.
 */
final class EdgeState {
  /** At most this many cached reads, all locations together. */
  static final int MAX_CACHED = 100_000;

  /** At most this many bytes of cached values. */
  static final long MAX_CACHED_BYTES = 64L << 20;

  /** At most this many recent writes kept. */
  static final int MAX_WRITES = 100_000;

  /** At most this many bytes of replaced values kept. */
  static final long MAX_WRITE_BYTES = 64L << 20;

  /** A location's read of one key: found in its cache or not, and the value (null: missing). */
  record Lookup(boolean cached, KvEntry entry) {
    static final Lookup NOT_CACHED = new Lookup(false, null);
  }

  /** What a flush dropped. */
  record Flushed(int cachedEntries, int pendingWrites) {}

  private final EdgeCaches caches = new EdgeCaches(MAX_CACHED, MAX_CACHED_BYTES);
  private final WriteHistory history = new WriteHistory(MAX_WRITES, MAX_WRITE_BYTES);

  /** The location's cached read of the key at {@code now}, if it has one it may still serve. */
  synchronized Lookup cached(String location, NamespaceRef ns, String key, long now) {
    EdgeCaches.Cached c = caches.get(location, ns, key, now);
    return c == null ? Lookup.NOT_CACHED : new Lookup(true, c.entry());
  }

  /**
   * What the location reads when its cache has nothing, given the central store's value: the value
   * before the writes that have not reached it yet, kept in its cache until its {@code cacheTtl}
   * passes or, for a value a pending write is about to replace, until that write arrives (so a
   * location that had not read the key sees a write at most {@link Propagation#MAX_DELAY_MILLIS}
   * after it was made).
   */
  synchronized KvEntry readThrough(
      String location, NamespaceRef ns, String key, KvEntry central, long now, long ttlMillis) {
    WriteHistory.Seen seen = history.seenAt(ns, key, location, now, central);
    long until = Math.min(saturatedAdd(now, ttlMillis), seen.untilMillis());
    caches.put(location, ns, key, seen.entry(), until);
    return seen.entry();
  }

  /** Records a write before it reaches the store; {@link #failed} takes it back. */
  synchronized List<WriteHistory.Write> writing(WriteHistory.Change change) {
    return history.record(change);
  }

  /** The store refused the write: it never happened. */
  synchronized void failed(NamespaceRef ns, Collection<String> keys, List<WriteHistory.Write> w) {
    history.forget(ns, keys, w);
  }

  /** The write is stored: the writing location drops its copies, so it reads its own write. */
  synchronized void written(String writer, NamespaceRef ns, Collection<String> keys) {
    if (writer != null) {
      caches.invalidate(writer, ns, keys);
    }
  }

  /** The namespace was deleted: nothing of it is kept. */
  synchronized void namespaceDeleted(NamespaceRef ns) {
    caches.forgetNamespace(ns);
    history.forgetNamespace(ns);
  }

  /** Every location sees the central store from now on. */
  synchronized Flushed flush(long now) {
    return new Flushed(caches.clear(now), history.clear(now));
  }

  /** Cached reads per location, at {@code now}. */
  synchronized Map<String, Integer> perLocation(long now) {
    return caches.perLocation(now);
  }

  /** Recent writes that may not have reached every location at {@code now}. */
  synchronized int pendingWrites(long now) {
    return history.pending(now);
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
