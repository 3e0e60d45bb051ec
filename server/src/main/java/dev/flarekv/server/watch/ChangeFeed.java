package dev.flarekv.server.watch;

import dev.flarekv.protocol.model.KvEntry;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The change feed of a server (docs/state.md, "Change feed"): who watches which namespace, and the
 * fan-out of each change to them. Publishing never blocks and never waits for a watcher: each
 * watcher has a bounded queue ({@link Watcher}) that drops what it cannot hold and counts it.
 * Thread-safe.
 */
public final class ChangeFeed {
  /** Changes one watcher holds before it drops. */
  public static final int QUEUE_CAPACITY = 1024;

  private final Map<String, CopyOnWriteArrayList<Watcher>> byNamespace = new ConcurrentHashMap<>();
  private final AtomicInteger watchers = new AtomicInteger();
  private final InstantSource clock;
  private final int capacity;

  public ChangeFeed(InstantSource clock) {
    this(clock, QUEUE_CAPACITY);
  }

  ChangeFeed(InstantSource clock, int capacity) {
    this.clock = clock;
    this.capacity = capacity;
  }

  /** How many watchers are connected now. */
  public int watchers() {
    return watchers.get();
  }

  /** Whether anyone watches the namespace (so a writer can skip building changes). */
  boolean watched(String namespaceId) {
    return byNamespace.containsKey(namespaceId);
  }

  /** A watcher of the namespace, registered when its stream starts. */
  public Watcher watcher(String namespaceId, String prefix) {
    return new Watcher(this, namespaceId, prefix == null ? "" : prefix, capacity);
  }

  void add(Watcher w) {
    byNamespace.computeIfAbsent(w.namespaceId(), k -> new CopyOnWriteArrayList<>()).add(w);
    watchers.incrementAndGet();
  }

  void remove(Watcher w) {
    byNamespace.computeIfPresent(
        w.namespaceId(),
        (k, list) -> {
          if (list.remove(w)) {
            watchers.decrementAndGet();
          }
          return list.isEmpty() ? null : list;
        });
  }

  void put(String namespaceId, KvEntry entry) {
    publish(
        namespaceId,
        new Change(
            Change.Op.PUT,
            entry.key(),
            entry.value().length,
            entry.expiration(),
            entry.metadata(),
            clock.millis()));
  }

  void delete(String namespaceId, String key) {
    publish(namespaceId, new Change(Change.Op.DELETE, key, 0, 0, null, clock.millis()));
  }

  void expire(String namespaceId, String key, long expiration) {
    publish(namespaceId, new Change(Change.Op.EXPIRE, key, 0, expiration, null, clock.millis()));
  }

  private void publish(String namespaceId, Change change) {
    CopyOnWriteArrayList<Watcher> list = byNamespace.get(namespaceId);
    if (list == null) {
      return;
    }
    for (Watcher w : list) {
      w.offer(change);
    }
  }
}
