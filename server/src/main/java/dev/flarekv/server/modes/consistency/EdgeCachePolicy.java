package dev.flarekv.server.modes.consistency;

import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.pipeline.KvOperation;
import dev.flarekv.server.pipeline.KvOperation.Kind;
import dev.flarekv.server.pipeline.KvPolicy;
import dev.flarekv.storage.KvStore;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Eventual consistency ({@code --consistency eventual}, docs/modes.md): binding reads are served
 * from a per-location edge cache, the way a Worker reads Workers KV (docs/kv-semantics.md R2, R3).
 *
 * <ul>
 *   <li>The store stays the central store: REST reads, every {@code list} and every write go to it
 *       unchanged, and it is always current.
 *   <li>A binding read ({@code get}, bulk get) at a location (the request's {@code
 *       X-Flarekv-Location}) is served from that location's cache while its {@code cacheTtl} runs;
 *       a value and a miss alike. Expiration beats {@code cacheTtl} (E6): a cached value whose
 *       expiration has passed is not served.
 *   <li>A read the cache cannot answer reads the central store, then undoes the writes that have
 *       not reached its location yet ({@link WriteHistory#seenAt}): each write reaches the other
 *       locations after its propagation delay ({@link Propagation}), and its own location at once.
 *       REST writes have no location: they reach every binding location after their delay.
 * </ul>
 *
 * On the event loop (a memory-only read) a cache hit answers at once; a miss declines, so the read
 * is retried on the storage executor, where the store may be read. Writes are serialised (the value
 * a write replaces is read just before it), which costs write throughput in this mode only.
 */
public final class EdgeCachePolicy implements KvPolicy {
  private final KvStore store;
  private final InstantSource clock;
  private final Propagation propagation;
  private final EdgeState state = new EdgeState();
  private final ReentrantLock writes = new ReentrantLock();

  /**
   * @param store the central store (the one the pipeline's executor writes)
   * @param clock the server's clock: cacheTtl windows and delays run on it
   * @param seed {@code --random-seed}, empty for unrepeatable delays
   */
  public EdgeCachePolicy(KvStore store, InstantSource clock, OptionalLong seed) {
    this.store = store;
    this.clock = clock;
    this.propagation = new Propagation(seed);
  }

  @Override
  public ApiReply apply(KvOperation op, Next next) {
    switch (op.kind()) {
      case GET:
      case GET_CACHED:
      case BULK_GET:
        return op.origin().surface() == KvOperation.Surface.BINDING
            ? read(op, next)
            : next.proceed(op);
      case PUT:
      case DELETE:
      case BULK_PUT:
      case BULK_DELETE:
        return write(op, next);
      case NAMESPACE_DELETE:
        ApiReply reply = next.proceed(op);
        if (succeeded(reply)) {
          state.namespaceDeleted(op.namespace());
        }
        return reply;
      default:
        return next.proceed(op);
    }
  }

  /** The model's state, for the control. */
  EdgeState state() {
    return state;
  }

  /** The time now on the server's clock. */
  long now() {
    return clock.millis();
  }

  private ApiReply read(KvOperation op, Next next) {
    long now = clock.millis();
    String location = op.origin().location();
    NamespaceRef ns = op.namespace();
    Collection<String> keys = op.kind() == Kind.BULK_GET ? op.bulkRead().keys() : List.of(op.key());
    Map<String, KvEntry> found = new HashMap<>();
    List<String> misses = new ArrayList<>(1);
    for (String key : keys) {
      EdgeState.Lookup hit = state.cached(location, ns, key, now);
      if (!hit.cached()) {
        misses.add(key);
      } else if (live(hit.entry(), now)) {
        found.put(key, hit.entry());
      }
    }
    if (!misses.isEmpty()) {
      if (op.kind() == Kind.GET_CACHED) {
        return null; // the central store may block: retried on the storage executor
      }
      Map<String, KvEntry> central;
      try {
        central = central(ns, misses);
      } catch (RuntimeException e) {
        return next.proceed(op); // the executor meets the same failure and reports it
      }
      long ttl = millis(op.readOptions().cacheTtlSeconds());
      for (String key : misses) {
        KvEntry seen = state.readThrough(location, ns, key, central.get(key), now, ttl);
        if (live(seen, now)) {
          found.put(key, seen);
        }
      }
    }
    return next.proceed(op.servedFrom(found));
  }

  private ApiReply write(KvOperation op, Next next) {
    NamespaceRef ns = op.namespace();
    List<String> keys = keysWritten(op);
    String writer =
        op.origin().surface() == KvOperation.Surface.BINDING ? op.origin().location() : null;
    writes.lock();
    try {
      Map<String, KvEntry> before;
      try {
        before = central(ns, keys);
      } catch (RuntimeException e) {
        return next.proceed(op); // the executor meets the same failure and reports it
      }
      long now = clock.millis();
      long delay = propagation.nextDelayMillis();
      List<WriteHistory.Write> recorded =
          state.writing(new WriteHistory.Change(ns, keys, before, writer, now, delay));
      ApiReply reply = null;
      try {
        reply = next.proceed(op);
      } finally {
        if (succeeded(reply)) {
          state.written(writer, ns, keys);
        } else {
          state.failed(ns, keys, recorded);
        }
      }
      return reply;
    } finally {
      writes.unlock();
    }
  }

  private Map<String, KvEntry> central(NamespaceRef ns, Collection<String> keys) {
    if (keys.size() == 1) {
      String key = keys.iterator().next();
      Optional<KvEntry> one = store.get(ns, key);
      return one.isPresent() ? Map.of(key, one.get()) : Map.of();
    }
    return store.getAll(ns, keys);
  }

  /** The keys a write changes, each once, in request order. */
  private static List<String> keysWritten(KvOperation op) {
    switch (op.kind()) {
      case PUT:
        return List.of(op.entry().key());
      case BULK_PUT:
        Set<String> keys = new LinkedHashSet<>();
        for (KvEntry e : op.entries()) {
          keys.add(e.key());
        }
        return List.copyOf(keys);
      case BULK_DELETE:
        return List.copyOf(new LinkedHashSet<>(op.keys()));
      default:
        return List.of(op.key());
    }
  }

  /** A value that is there and not expired at {@code now} (E6: expiration beats cacheTtl). */
  private static boolean live(KvEntry entry, long now) {
    return entry != null && !entry.isExpiredAt(now);
  }

  private static boolean succeeded(ApiReply reply) {
    return reply != null && reply.status() >= 200 && reply.status() < 300;
  }

  private static long millis(long seconds) {
    return seconds > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : seconds * 1000;
  }
}
