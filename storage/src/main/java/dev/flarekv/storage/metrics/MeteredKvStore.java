package dev.flarekv.storage.metrics;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.model.KeyPage;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.ReadAttempt;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Decorator that times every call of any {@link KvStore}.
 *
 * <ul>
 *   <li>{@value #OPERATIONS}: timer tagged {@code op} (the method name) and {@code outcome}: {@code
 *       not_found} when a lookup found nothing or the namespace/key does not exist, {@code error}
 *       for any other exception, {@code success} otherwise.
 *   <li>{@value #SWEPT}: counter of expired pairs removed by {@link #sweepExpired}.
 *   <li>{@value #CACHE_MISSES}: counter of {@link #getIfCached} calls that could not answer without
 *       blocking (the {@code get} that follows is timed as usual).
 *   <li>{@value #OPEN_ITERATORS}: gauge of {@link KvStore#openIterators()} (a leak shows as a value
 *       that never returns to 0).
 *   <li>{@value #WRITABLE}: gauge, 1 while the store takes writes, 0 while {@link
 *       KvStore#degradedReason()} says why it refuses them (a full disk).
 * </ul>
 */
public final class MeteredKvStore implements KvStore {
  public static final String OPERATIONS = "flarekv.store.operations";
  public static final String SWEPT = "flarekv.store.expired.swept";
  public static final String OPEN_ITERATORS = "flarekv.store.open.iterators";
  public static final String CACHE_MISSES = "flarekv.store.memory.read.misses";
  public static final String WRITABLE = "flarekv.store.writable";

  private final KvStore delegate;
  private final MeterRegistry registry;
  private final Counter swept;
  private final Counter wouldBlock;
  private final Map<String, OpTimers> timers = new ConcurrentHashMap<>();

  public MeteredKvStore(KvStore delegate, MeterRegistry registry) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.swept =
        Counter.builder(SWEPT)
            .description("Expired pairs physically removed by the sweeper")
            .register(registry);
    this.wouldBlock =
        Counter.builder(CACHE_MISSES)
            .description("Reads that could not be answered from memory and went to a thread")
            .register(registry);
    Gauge.builder(OPEN_ITERATORS, delegate, KvStore::openIterators)
        .description("Storage engine iterators open right now")
        .register(registry);
    Gauge.builder(WRITABLE, delegate, store -> store.degradedReason().isPresent() ? 0 : 1)
        .description("1 while the store takes writes, 0 while it refuses them (out of space)")
        .register(registry);
  }

  @Override
  public Namespace createNamespace(String accountId, String title) {
    return timed("createNamespace", () -> delegate.createNamespace(accountId, title));
  }

  @Override
  public Namespace createNamespace(String accountId, String title, String id) {
    return timed("createNamespace", () -> delegate.createNamespace(accountId, title, id));
  }

  @Override
  public List<Namespace> allNamespaces() {
    return timed("namespaces", delegate::allNamespaces);
  }

  @Override
  public Optional<Namespace> namespace(NamespaceRef ref) {
    return timed("namespace", () -> delegate.namespace(ref), Optional::isEmpty);
  }

  @Override
  public Optional<Namespace> namespaceById(String namespaceId) {
    return timed("namespaceById", () -> delegate.namespaceById(namespaceId), Optional::isEmpty);
  }

  @Override
  public List<Namespace> namespaces(String accountId) {
    return timed("namespaces", () -> delegate.namespaces(accountId));
  }

  @Override
  public Namespace forkNamespace(NamespaceRef source, String title) {
    return timed("forkNamespace", () -> delegate.forkNamespace(source, title));
  }

  @Override
  public Namespace renameNamespace(NamespaceRef ref, String title) {
    return timed("renameNamespace", () -> delegate.renameNamespace(ref, title));
  }

  @Override
  public void deleteNamespace(NamespaceRef ref) {
    run("deleteNamespace", () -> delegate.deleteNamespace(ref));
  }

  @Override
  public Optional<KvEntry> get(NamespaceRef ref, String key) {
    return timed("get", () -> delegate.get(ref, key), Optional::isEmpty);
  }

  /**
   * Timed as {@code get} when answered (so the get timer covers hot reads too); a read that would
   * block is counted apart and then timed by the {@link #get} that follows.
   */
  @Override
  public ReadAttempt getIfCached(NamespaceRef ref, String key) {
    long start = System.nanoTime();
    ReadAttempt attempt;
    try {
      attempt = delegate.getIfCached(ref, key);
    } catch (RuntimeException e) {
      timer("get", "error").record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      throw e;
    }
    if (!attempt.answered()) {
      wouldBlock.increment();
      return attempt;
    }
    String outcome = attempt.entry().isPresent() ? "success" : "not_found";
    timer("get", outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    return attempt;
  }

  @Override
  public Map<String, KvEntry> getAll(NamespaceRef ref, Collection<String> keys) {
    return timed("getAll", () -> delegate.getAll(ref, keys));
  }

  @Override
  public void put(NamespaceRef ref, KvEntry entry) {
    run("put", () -> delegate.put(ref, entry));
  }

  @Override
  public void putAll(NamespaceRef ref, List<KvEntry> entries) {
    run("putAll", () -> delegate.putAll(ref, entries));
  }

  @Override
  public void delete(NamespaceRef ref, String key) {
    run("delete", () -> delegate.delete(ref, key));
  }

  @Override
  public void deleteAll(NamespaceRef ref, Collection<String> keys) {
    run("deleteAll", () -> delegate.deleteAll(ref, keys));
  }

  @Override
  public KeyPage list(NamespaceRef ref, String prefix, String startAfter, int limit) {
    return timed("list", () -> delegate.list(ref, prefix, startAfter, limit));
  }

  @Override
  public int sweepExpired(int maxDeletes) {
    int deleted = timed("sweepExpired", () -> delegate.sweepExpired(maxDeletes));
    swept.increment(deleted);
    return deleted;
  }

  @Override
  public Optional<String> degradedReason() {
    return delegate.degradedReason();
  }

  @Override
  public long openIterators() {
    return delegate.openIterators();
  }

  @Override
  public void checkpoint(Path target) {
    run("checkpoint", () -> delegate.checkpoint(target));
  }

  @Override
  public void close() {
    run("close", delegate::close);
  }

  private void run(String op, Runnable call) {
    timed(
        op,
        () -> {
          call.run();
          return null;
        });
  }

  private <T> T timed(String op, Supplier<T> call) {
    return timed(op, call, result -> false);
  }

  private <T> T timed(String op, Supplier<T> call, Predicate<T> notFound) {
    Timer.Sample sample = Timer.start(registry);
    String outcome = "error";
    try {
      T result = call.get();
      outcome = notFound.test(result) ? "not_found" : "success";
      return result;
    } catch (KvException e) {
      boolean missing =
          e.errorCode() == ErrorCode.NAMESPACE_NOT_FOUND
              || e.errorCode() == ErrorCode.KEY_NOT_FOUND;
      outcome = missing ? "not_found" : "error";
      throw e;
    } finally {
      sample.stop(timer(op, outcome));
    }
  }

  private Timer timer(String op, String outcome) {
    return timers.computeIfAbsent(op, OpTimers::new).get(outcome);
  }

  /**
   * The timers of one operation, one per outcome, each registered on first use. Looked up without
   * building a key string per call, since every request passes here.
   */
  private final class OpTimers {
    private final String op;
    private volatile Timer success;
    private volatile Timer notFound;
    private volatile Timer error;

    OpTimers(String op) {
      this.op = op;
    }

    Timer get(String outcome) {
      switch (outcome) {
        case "success":
          Timer s = success;
          return s != null ? s : (success = register(outcome));
        case "not_found":
          Timer n = notFound;
          return n != null ? n : (notFound = register(outcome));
        default:
          Timer e = error;
          return e != null ? e : (error = register(outcome));
      }
    }

    /** Registering twice returns the same meter, so a race here is harmless. */
    private Timer register(String outcome) {
      return Timer.builder(OPERATIONS)
          .description("Duration of storage calls")
          .tag("op", op)
          .tag("outcome", outcome)
          .register(registry);
    }
  }
}
