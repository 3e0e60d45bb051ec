package dev.flarekv.server.watch;

import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns expirations into {@code expire} changes. The store's sweep reports only how many pairs it
 * removed, so the feed remembers the expiration of each key written while its namespace was
 * watched, and after each sweep round reports those now due whose key was not written again since.
 * A key written before anyone watched its namespace expires silently. At most {@link #MAX_TRACKED}
 * expirations are remembered; past that, later ones expire silently too.
 */
final class ExpiryWatch {
  static final int MAX_TRACKED = 100_000;

  private record Pending(long expiration, long seq, String namespaceId, String key)
      implements Comparable<Pending> {
    @Override
    public int compareTo(Pending o) {
      int c = Long.compare(expiration, o.expiration);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final ChangeFeed feed;
  private final InstantSource clock;
  private final ConcurrentSkipListSet<Pending> pending = new ConcurrentSkipListSet<>();
  private final Map<String, Long> latest = new ConcurrentHashMap<>();
  private final AtomicLong seq = new AtomicLong();

  ExpiryWatch(ChangeFeed feed, InstantSource clock) {
    this.feed = feed;
    this.clock = clock;
  }

  private static String id(String namespaceId, String key) {
    return namespaceId + '/' + key;
  }

  /** A write of the key: its new expiration (0 for none, or a delete). */
  void written(String namespaceId, String key, long expiration) {
    String id = id(namespaceId, key);
    if (expiration == 0) {
      latest.remove(id);
      return;
    }
    if (pending.size() >= MAX_TRACKED) {
      latest.remove(id);
      return;
    }
    latest.put(id, expiration);
    pending.add(new Pending(expiration, seq.incrementAndGet(), namespaceId, key));
  }

  /** Reports every remembered expiration that is due now. */
  void due() {
    long nowSeconds = Math.floorDiv(clock.millis(), 1000L);
    Pending first;
    while ((first = pending.pollFirst()) != null) {
      if (first.expiration() > nowSeconds) {
        pending.add(first);
        return;
      }
      String id = id(first.namespaceId(), first.key());
      if (latest.remove(id, first.expiration())) {
        feed.expire(first.namespaceId(), first.key(), first.expiration());
      }
    }
  }
}
