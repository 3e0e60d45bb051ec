package dev.flarekv.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.KeyPage;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.StoreException;
import dev.flarekv.storage.cassandra.CassandraNamespaces.Space;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link KvStore} over Apache Cassandra. Data model, consistency and failure behaviour:
 * docs/cassandra.md.
 */
final class CassandraKvStore implements KvStore {
  /** Values up to this size live in the record; larger ones in {@code kv_chunks}. */
  static final int INLINE_VALUE_BYTES = 4096;

  /** Size of one chunk of an out-of-line value (one CQL write each). */
  static final int CHUNK_BYTES = 1024 * 1024;

  /** A putAll/deleteAll batch is split above this many bytes (see docs/cassandra.md). */
  static final int MAX_BATCH_BYTES = 8 * 1024 * 1024;

  /** CQL's largest TTL (20 years). */
  private static final long MAX_CQL_TTL = 630_720_000L;

  /**
   * Cassandra 5.0 in its default storage compatibility mode rejects expirations past 2038-01-19;
   * beyond this instant the engine writes no CQL TTL and relies on the read check and the sweeper.
   */
  private static final long LAST_CQL_EXPIRATION = Integer.MAX_VALUE - 2L * 86_400;

  /** Index entries outlive their record by a day so the sweeper can still find late ones. */
  private static final long INDEX_TTL_MARGIN = 86_400;

  /** A deleted namespace's partitions are deleted with a timestamp this far ahead (micros). */
  private static final long NAMESPACE_TOMBSTONE_LEAD_MICROS = Duration.ofDays(1).toNanos() / 1000;

  /**
   * The scheduled chunk garbage pass leaves alone chunk versions younger than this: far above the
   * cleanup delay, the longest chunked write and the clock skew between front ends.
   */
  static final Duration CHUNK_GC_MIN_AGE = Duration.ofHours(1);

  /** The lease that keeps the scheduled chunk garbage pass to one front end per interval. */
  static final String CHUNK_GC_LEASE = "chunk-gc";

  /** How long a superseded chunk version stays readable (see {@link #chunkCleanup}). */
  static final Duration DEFAULT_CHUNK_CLEANUP_DELAY = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(CassandraKvStore.class);

  private static final int STRIPES = 1024;
  private static final int CHUNK_READ_ATTEMPTS = 4;
  private static final int CHUNK_WRITES_IN_FLIGHT = 4;

  private final CqlSession session;
  private final boolean ownsSession;
  private final Cql cql;
  private final CassandraConfig config;
  private final InstantSource clock;
  private final KeyLayout.WriteClock writeClock = new KeyLayout.WriteClock();
  private final CassandraNamespaces catalog;
  private final CassandraSweep sweep;
  private final ReentrantReadWriteLock[] stripes = new ReentrantReadWriteLock[STRIPES];
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Set<Cleanup> pendingCleanups = ConcurrentHashMap.newKeySet();
  private final ScheduledThreadPoolExecutor cleaner;
  private final CassandraChunkGc chunkGc;
  private final ScheduledThreadPoolExecutor chunkGcTimer;
  private final String frontEndId = java.util.UUID.randomUUID().toString();
  private volatile long chunkCleanupDelayNanos = DEFAULT_CHUNK_CLEANUP_DELAY.toNanos();

  CassandraKvStore(
      CqlSession session,
      boolean ownsSession,
      Cql cql,
      CassandraConfig config,
      InstantSource clock) {
    this.session = session;
    this.ownsSession = ownsSession;
    this.cql = cql;
    this.config = config;
    this.clock = clock;
    this.catalog = new CassandraNamespaces(session, cql, config);
    this.sweep = new CassandraSweep(session, cql, clock, writeClock);
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantReadWriteLock();
    }
    this.cleaner = daemonTimer("flarekv-chunk-cleanup");
    cleaner.setRemoveOnCancelPolicy(true);
    this.chunkGc = new CassandraChunkGc(session, cql, catalog, writeClock, closed::get);
    this.chunkGcTimer = scheduleChunkGc(config.chunkGcInterval());
  }

  /**
   * Runs a chunk garbage pass every {@code interval}, the first one at a random point of the first
   * interval, so front ends started together do not scan together.
   */
  private ScheduledThreadPoolExecutor scheduleChunkGc(Duration interval) {
    if (interval.isZero()) {
      return null;
    }
    ScheduledThreadPoolExecutor timer = daemonTimer("flarekv-chunk-gc");
    long period = interval.toNanos();
    long first = java.util.concurrent.ThreadLocalRandom.current().nextLong(period / 2, period + 1);
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            // one pass per interval over all front ends: the first to claim the lease runs it
            if (claimLease(CHUNK_GC_LEASE, leaseFor(interval))) {
              collectChunkGarbage(CHUNK_GC_MIN_AGE);
            } else {
              log.debug("chunk garbage pass skipped: another front end ran one in this interval");
            }
          } catch (RuntimeException e) {
            if (!closed.get()) { // a pass cut short by close() starts over next time
              log.warn("chunk garbage pass failed (next one in {}): {}", interval, e.toString());
            }
          }
        },
        first,
        period,
        TimeUnit.NANOSECONDS);
    return timer;
  }

  /** A one-thread scheduler on a daemon thread (the store's close() shuts it down). */
  private static ScheduledThreadPoolExecutor daemonTimer(String threadName) {
    return new ScheduledThreadPoolExecutor(
        1,
        r -> {
          Thread t = new Thread(r, threadName);
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * How long a claimed pass keeps other front ends from running one: 90% of the interval, so the
   * next interval's pass is not blocked by this one's lease.
   */
  static Duration leaseFor(Duration interval) {
    return Duration.ofSeconds(Math.max(1, interval.toSeconds() * 9 / 10));
  }

  /**
   * Claims the keyspace-wide lease {@code name} for {@code ttl} (a lightweight transaction): true
   * for the one front end that got it, false while anyone holds it (this one included).
   */
  boolean claimLease(String name, Duration ttl) {
    return call(
        "claim lease " + name,
        () ->
            session
                .execute(
                    cql.claimLease
                        .bind(name, frontEndId, (int) Math.min(ttl.toSeconds(), MAX_CQL_TTL))
                        .setIdempotent(false))
                .wasApplied());
  }

  /**
   * Removes the chunk versions that no record points to and that are older than {@code minAge} (see
   * {@link CassandraChunkGc}). The scheduled pass uses {@link #CHUNK_GC_MIN_AGE}.
   */
  CassandraChunkGc.Result collectChunkGarbage(Duration minAge) {
    return call(
        "collect chunk garbage",
        () -> {
          long started = System.nanoTime();
          CassandraChunkGc.Result result = chunkGc.run(minAge);
          log.info(
              "chunk garbage pass: {} chunk partitions scanned, {} unreferenced versions removed"
                  + " in {} ms",
              result.partitions(),
              result.versionsDeleted(),
              (System.nanoTime() - started) / 1_000_000);
          return result;
        });
  }

  // ---------------------------------------------------------------- plumbing

  private <T> T call(String op, Supplier<T> body) {
    if (closed.get()) {
      throw new StoreException("store is closed", null);
    }
    try {
      return body.get();
    } catch (KvException | StoreException e) {
      throw e;
    } catch (DriverException | CompletionException e) {
      if (closed.get()) {
        throw new StoreException("store is closed", e);
      }
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      throw new StoreException(
          "Error while " + op + " in Cassandra keyspace " + config.keyspace() + ": " + cause,
          cause);
    }
  }

  private void run(String op, Runnable body) {
    call(
        op,
        () -> {
          body.run();
          return null;
        });
  }

  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static void awaitAll(List<? extends CompletionStage<?>> stages) {
    for (CompletionStage<?> stage : stages) {
      await(stage);
    }
  }

  /** Locks the stripes of the keys (ascending, so two callers never deadlock). */
  private List<Lock> lockStripes(String nsId, Collection<byte[]> keys, boolean write) {
    TreeSet<Integer> indexes = new TreeSet<>();
    for (byte[] key : keys) {
      indexes.add(Math.floorMod(KeyLayout.hash(key) * 31 + nsId.hashCode(), STRIPES));
    }
    List<Lock> locks = new ArrayList<>(indexes.size());
    for (int index : indexes) {
      Lock lock = write ? stripes[index].writeLock() : stripes[index].readLock();
      lock.lock();
      locks.add(lock);
    }
    return locks;
  }

  private static void unlock(List<Lock> locks) {
    for (int i = locks.size() - 1; i >= 0; i--) {
      locks.get(i).unlock();
    }
  }

  // ---------------------------------------------------------------- namespaces

  @Override
  public Namespace createNamespace(String accountId, String title) {
    return call("create namespace", () -> catalog.create(accountId, title));
  }

  @Override
  public Optional<Namespace> namespace(NamespaceRef ref) {
    return call("get namespace", () -> Optional.ofNullable(catalog.find(ref)));
  }

  @Override
  public Optional<Namespace> namespaceById(String namespaceId) {
    return call(
        "get namespace",
        () -> Optional.ofNullable(catalog.load(namespaceId)).map(Space::namespace));
  }

  @Override
  public List<Namespace> namespaces(String accountId) {
    return call("list namespaces", () -> catalog.list(accountId));
  }

  @Override
  public Namespace renameNamespace(NamespaceRef ref, String title) {
    return call("rename namespace", () -> catalog.rename(ref, title));
  }

  @Override
  public void deleteNamespace(NamespaceRef ref) {
    run(
        "delete namespace",
        () -> {
          Space space = catalog.remove(ref);
          // A write that passed its namespace check before remove() carries a timestamp below
          // this one, so these partition deletes cover it too: no orphans (docs/cassandra.md).
          long ts = writeClock.next() + NAMESPACE_TOMBSTONE_LEAD_MICROS;
          List<CompletionStage<AsyncResultSet>> deletes = new ArrayList<>();
          for (int bucket = 0; bucket < space.buckets(); bucket++) {
            for (Row row : session.execute(cql.scanBucketChunked.bind(space.id(), bucket))) {
              if (row.getInt("chunks") > 0) {
                deletes.add(
                    session.executeAsync(
                        cql.deleteChunks.bind(ts, space.id(), row.getByteBuffer("k"))));
              }
            }
          }
          awaitAll(deletes);
          deletes.clear();
          for (int bucket = 0; bucket < space.buckets(); bucket++) {
            deletes.add(session.executeAsync(cql.deleteBucket.bind(ts, space.id(), bucket)));
          }
          awaitAll(deletes);
        });
  }

  // ---------------------------------------------------------------- reads

  /** A record as stored; the value is complete only for inline records. */
  private record Stored(
      String key,
      long expiration,
      String metadata,
      ByteBuffer inline,
      int length,
      int chunks,
      long version) {

    static Stored of(String key, Row row) {
      String meta = row.getString("meta");
      return new Stored(
          key,
          row.getLong("exp"),
          meta == null || meta.isEmpty() ? null : meta,
          row.getByteBuffer("val"),
          row.getInt("vlen"),
          row.getInt("chunks"),
          row.getLong("ver"));
    }
  }

  @Override
  public Optional<KvEntry> get(NamespaceRef ref, String key) {
    return call(
        "get",
        () -> {
          Space space = catalog.require(ref, "get");
          byte[] k = KeyLayout.utf8(key);
          for (int attempt = 1; ; attempt++) {
            Stored stored = readRecord(space, key, k);
            if (stored == null || KvEntry.isExpiredAt(stored.expiration(), clock.millis())) {
              return Optional.empty();
            }
            KvEntry entry = complete(space, k, stored, attempt);
            if (entry != null) {
              return Optional.of(entry);
            }
          }
        });
  }

  private Stored readRecord(Space space, String key, byte[] k) {
    Row row =
        session
            .execute(
                cql.selectRecord.bind(
                    space.id(), KeyLayout.bucket(k, space.buckets()), ByteBuffer.wrap(k)))
            .one();
    return row == null ? null : Stored.of(key, row);
  }

  /**
   * The entry with its whole value, or null when the chunks of this version are gone (the record
   * was overwritten or deleted meanwhile; the caller reads the record again).
   */
  private KvEntry complete(Space space, byte[] k, Stored stored, int attempt) {
    if (stored.chunks() == 0) {
      return new KvEntry(
          stored.key(), KeyLayout.bytes(stored.inline()), stored.metadata(), stored.expiration());
    }
    byte[] value = new byte[stored.length()];
    int filled = 0;
    int expectedChunk = 0;
    BoundStatement select =
        cql.selectChunks
            .bind(space.id(), ByteBuffer.wrap(k), stored.version())
            .setPageSize(2); // at most 2 MiB per page
    for (Row row : session.execute(select)) {
      ByteBuffer data = row.getByteBuffer("data");
      if (row.getInt("chunk") != expectedChunk
          || data == null
          || filled + data.remaining() > value.length) {
        break;
      }
      data.duplicate().get(value, filled, data.remaining());
      filled += data.remaining();
      expectedChunk++;
    }
    if (expectedChunk == stored.chunks() && filled == value.length) {
      return new KvEntry(stored.key(), value, stored.metadata(), stored.expiration());
    }
    if (attempt >= CHUNK_READ_ATTEMPTS) {
      throw new StoreException(
          "value of key '"
              + stored.key()
              + "' (version "
              + stored.version()
              + ") is missing chunks: found "
              + expectedChunk
              + " of "
              + stored.chunks(),
          null);
    }
    try {
      Thread.sleep(10L << attempt); // a batch that deletes the record is still landing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while reading chunks", e);
    }
    return null;
  }

  @Override
  public Map<String, KvEntry> getAll(NamespaceRef ref, Collection<String> keys) {
    return call(
        "bulk get keys",
        () -> {
          Space space = catalog.require(ref, "bulk get keys");
          Map<ByteBuffer, String> byBytes = new LinkedHashMap<>();
          for (String key : keys) {
            byBytes.putIfAbsent(ByteBuffer.wrap(KeyLayout.utf8(key)), key);
          }
          List<byte[]> raw = byBytes.keySet().stream().map(KeyLayout::bytes).toList();
          List<Lock> locks = lockStripes(space.id(), raw, false);
          try {
            return readMany(space, byBytes);
          } finally {
            unlock(locks);
          }
        });
  }

  private Map<String, KvEntry> readMany(Space space, Map<ByteBuffer, String> byBytes) {
    Map<Integer, List<ByteBuffer>> byBucket = new HashMap<>();
    for (ByteBuffer k : byBytes.keySet()) {
      byBucket
          .computeIfAbsent(
              KeyLayout.bucket(KeyLayout.bytes(k), space.buckets()), b -> new ArrayList<>())
          .add(k);
    }
    List<CompletionStage<AsyncResultSet>> reads = new ArrayList<>();
    for (Map.Entry<Integer, List<ByteBuffer>> e : byBucket.entrySet()) {
      reads.add(session.executeAsync(cql.selectRecords.bind(space.id(), e.getKey(), e.getValue())));
    }
    long now = clock.millis();
    Map<String, KvEntry> found = new LinkedHashMap<>();
    for (CompletionStage<AsyncResultSet> read : reads) {
      AsyncResultSet page = await(read);
      while (true) {
        for (Row row : page.currentPage()) {
          ByteBuffer k = row.getByteBuffer("k");
          String key = byBytes.get(k);
          Stored stored = Stored.of(key, row);
          if (key == null || KvEntry.isExpiredAt(stored.expiration(), now)) {
            continue;
          }
          byte[] kBytes = KeyLayout.bytes(k);
          KvEntry entry = complete(space, kBytes, stored, 1);
          for (int attempt = 2; entry == null; attempt++) {
            Stored again = readRecord(space, key, kBytes);
            if (again == null || KvEntry.isExpiredAt(again.expiration(), now)) {
              break;
            }
            entry = complete(space, kBytes, again, attempt);
          }
          if (entry != null) {
            found.put(key, entry);
          }
        }
        if (!page.hasMorePages()) {
          break;
        }
        page = await(page.fetchNextPage());
      }
    }
    return found;
  }

  // ---------------------------------------------------------------- writes

  /** A write of one entry, prepared: its bytes, bucket and the statements it needs. */
  private final class PreparedPut {
    final KvEntry entry;
    final byte[] k;
    final int bucket;
    final int chunks;
    final long ttl;

    PreparedPut(Space space, KvEntry entry, long nowSeconds) {
      this.entry = entry;
      this.k = KeyLayout.utf8(entry.key());
      this.bucket = KeyLayout.bucket(k, space.buckets());
      int length = entry.value().length;
      this.chunks = length <= INLINE_VALUE_BYTES ? 0 : (length + CHUNK_BYTES - 1) / CHUNK_BYTES;
      this.ttl = cqlTtl(entry.expiration(), nowSeconds);
    }

    int estimatedBytes() {
      return k.length
          + (entry.metadata() == null ? 0 : entry.metadata().length() * 3)
          + (chunks == 0 ? entry.value().length : 0)
          + 96;
    }

    /** Chunks and the expiry index entry: written (and awaited) before the record. */
    List<CompletionStage<AsyncResultSet>> writeSideData(Space space, long ts) {
      List<CompletionStage<AsyncResultSet>> writes = new ArrayList<>();
      if (entry.expires()) {
        writes.addAll(sweep.index(space.id(), bucket, k, entry.expiration(), ttl, ts));
      }
      if (chunks > 0) {
        byte[] value = entry.value();
        long chunkTtl = ttl == 0 ? 0 : ttl + INDEX_TTL_MARGIN;
        List<CompletableFuture<AsyncResultSet>> inFlight = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
          int from = i * CHUNK_BYTES;
          ByteBuffer data =
              ByteBuffer.wrap(value, from, Math.min(CHUNK_BYTES, value.length - from)).slice();
          inFlight.add(
              session
                  .executeAsync(
                      cql.insertChunk.bind(
                          space.id(), ByteBuffer.wrap(k), ts, i, data, (int) chunkTtl, ts))
                  .toCompletableFuture());
          if (inFlight.size() >= CHUNK_WRITES_IN_FLIGHT) {
            await(inFlight.remove(0)); // bounded memory and load: a few MiB in flight
          }
        }
        writes.addAll(inFlight);
      }
      return writes;
    }

    BoundStatement record(Space space, long ts) {
      ByteBuffer inline = chunks == 0 ? ByteBuffer.wrap(entry.value()) : ByteBuffer.allocate(0);
      return cql.insertRecord.bind(
          space.id(),
          bucket,
          ByteBuffer.wrap(k),
          entry.expiration(),
          entry.metadata() == null ? "" : entry.metadata(),
          inline,
          entry.value().length,
          chunks,
          ts,
          (int) ttl,
          ts);
    }
  }

  /**
   * The CQL TTL for an expiration, relative to the store's clock; 0 (none) for entries without
   * expiration, already expired (the sweeper removes them), or beyond what CQL can hold.
   */
  static long cqlTtl(long expiration, long nowSeconds) {
    if (expiration == KvEntry.NO_EXPIRATION) {
      return 0;
    }
    long ttl = expiration - nowSeconds;
    long realNow = System.currentTimeMillis() / 1000;
    if (ttl <= 0 || ttl > MAX_CQL_TTL || realNow + ttl + INDEX_TTL_MARGIN > LAST_CQL_EXPIRATION) {
      return 0;
    }
    return ttl;
  }

  @Override
  public void put(NamespaceRef ref, KvEntry entry) {
    run(
        "put",
        () -> {
          Space space = catalog.require(ref, "put");
          long ts = writeClock.next();
          PreparedPut put = new PreparedPut(space, entry, Math.floorDiv(clock.millis(), 1000));
          awaitAll(put.writeSideData(space, ts));
          session.execute(put.record(space, ts));
          if (put.chunks > 0) {
            chunkCleanup(space.id(), put.k, ts);
          }
        });
  }

  @Override
  public void putAll(NamespaceRef ref, List<KvEntry> entries) {
    run(
        "bulk put keys",
        () -> {
          Space space = catalog.require(ref, "bulk put keys");
          Map<String, KvEntry> last = new LinkedHashMap<>();
          for (KvEntry entry : entries) {
            last.remove(entry.key()); // a key given twice ends with the later entry
            last.put(entry.key(), entry);
          }
          if (last.isEmpty()) {
            return;
          }
          long nowSeconds = Math.floorDiv(clock.millis(), 1000);
          List<PreparedPut> puts = new ArrayList<>();
          for (KvEntry entry : last.values()) {
            puts.add(new PreparedPut(space, entry, nowSeconds));
          }
          long ts = writeClock.next();
          List<CompletionStage<AsyncResultSet>> side = new ArrayList<>();
          for (PreparedPut put : puts) {
            side.addAll(put.writeSideData(space, ts));
          }
          awaitAll(side);
          List<Lock> locks = lockStripes(space.id(), puts.stream().map(p -> p.k).toList(), true);
          try {
            List<BoundStatement> records = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            for (PreparedPut put : puts) {
              records.add(put.record(space, ts));
              sizes.add(put.estimatedBytes());
            }
            executeBatches(records, sizes, puts.stream().map(p -> p.bucket).toList());
          } finally {
            unlock(locks);
          }
          for (PreparedPut put : puts) {
            if (put.chunks > 0) {
              chunkCleanup(space.id(), put.k, ts);
            }
          }
        });
  }

  /**
   * Runs the statements as one batch: UNLOGGED when they all hit one partition (atomic and isolated
   * there), LOGGED otherwise (atomic: all or none eventually applied). Above {@link
   * #MAX_BATCH_BYTES} they are split into several batches, each atomic on its own.
   */
  private void executeBatches(
      List<BoundStatement> statements, List<Integer> sizes, List<Integer> buckets) {
    int from = 0;
    while (from < statements.size()) {
      int to = from;
      long bytes = 0;
      while (to < statements.size() && (to == from || bytes + sizes.get(to) <= MAX_BATCH_BYTES)) {
        bytes += sizes.get(to);
        to++;
      }
      boolean onePartition = buckets.subList(from, to).stream().distinct().count() == 1;
      BatchStatementBuilder batch =
          BatchStatement.builder(onePartition ? BatchType.UNLOGGED : BatchType.LOGGED);
      for (BoundStatement statement : statements.subList(from, to)) {
        batch.addStatement(statement);
      }
      session.execute(batch.build());
      from = to;
    }
  }

  /** Removal of the chunk versions a write at {@code ts} superseded. */
  private record Cleanup(String ns, byte[] k, long ts) {}

  /**
   * Deletes the chunk versions below {@code ts} of the key, {@link #chunkCleanupDelay} from now: a
   * reader that took the old record just before it was replaced can still read the old chunks
   * meanwhile (docs/cassandra.md, "Values and chunks"). Pending cleanups run at close.
   */
  private void chunkCleanup(String ns, byte[] k, long ts) {
    Cleanup cleanup = new Cleanup(ns, k, ts);
    long delay = chunkCleanupDelayNanos;
    if (delay == 0) {
      runCleanup(cleanup);
      return;
    }
    pendingCleanups.add(cleanup);
    try {
      cleaner.schedule(
          () -> {
            if (pendingCleanups.remove(cleanup)) {
              try {
                runCleanup(cleanup);
              } catch (RuntimeException e) {
                log.warn("chunk cleanup failed (the chunks stay as garbage): {}", e.toString());
              }
            }
          },
          delay,
          TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      pendingCleanups.remove(cleanup);
      runCleanup(cleanup); // closing: no delay left to give
    }
  }

  private void runCleanup(Cleanup cleanup) {
    session.execute(
        cql.deleteOlderChunks.bind(
            cleanup.ts(), cleanup.ns(), ByteBuffer.wrap(cleanup.k()), cleanup.ts()));
  }

  /** Test support: how long superseded chunk versions are kept for readers (default 30 s). */
  void chunkCleanupDelay(Duration delay) {
    chunkCleanupDelayNanos = delay.toNanos();
  }

  @Override
  public void delete(NamespaceRef ref, String key) {
    run(
        "remove key",
        () -> {
          Space space = catalog.require(ref, "remove key");
          byte[] k = KeyLayout.utf8(key);
          long ts = writeClock.next();
          // record first: a reader never finds a record whose chunks are gone for good
          session.execute(
              cql.deleteRecord.bind(
                  ts, space.id(), KeyLayout.bucket(k, space.buckets()), ByteBuffer.wrap(k)));
          session.execute(cql.deleteChunks.bind(ts, space.id(), ByteBuffer.wrap(k)));
        });
  }

  @Override
  public void deleteAll(NamespaceRef ref, Collection<String> keys) {
    run(
        "bulk remove keys",
        () -> {
          Space space = catalog.require(ref, "bulk remove keys");
          Map<ByteBuffer, byte[]> unique = new LinkedHashMap<>();
          for (String key : keys) {
            byte[] k = KeyLayout.utf8(key);
            unique.putIfAbsent(ByteBuffer.wrap(k), k);
          }
          if (unique.isEmpty()) {
            return;
          }
          long ts = writeClock.next();
          List<byte[]> raw = new ArrayList<>(unique.values());
          List<Lock> locks = lockStripes(space.id(), raw, true);
          try {
            List<BoundStatement> deletes = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            List<Integer> buckets = new ArrayList<>();
            for (byte[] k : raw) {
              int bucket = KeyLayout.bucket(k, space.buckets());
              deletes.add(cql.deleteRecord.bind(ts, space.id(), bucket, ByteBuffer.wrap(k)));
              sizes.add(k.length + 64);
              buckets.add(bucket);
            }
            executeBatches(deletes, sizes, buckets);
          } finally {
            unlock(locks);
          }
          List<CompletionStage<AsyncResultSet>> chunkDeletes = new ArrayList<>();
          for (byte[] k : raw) {
            chunkDeletes.add(
                session.executeAsync(cql.deleteChunks.bind(ts, space.id(), ByteBuffer.wrap(k))));
          }
          awaitAll(chunkDeletes);
        });
  }

  // ---------------------------------------------------------------- list

  /** One bucket's rows of a listing, read page by page. */
  private static final class BucketCursor {
    AsyncResultSet page;
    Iterator<Row> rows;
    Row head;
    byte[] headKey;

    BucketCursor(AsyncResultSet first) {
      this.page = first;
      this.rows = first.currentPage().iterator();
      advance();
    }

    void advance() {
      while (!rows.hasNext() && page.hasMorePages()) {
        page = await(page.fetchNextPage());
        rows = page.currentPage().iterator();
      }
      head = rows.hasNext() ? rows.next() : null;
      headKey = head == null ? null : KeyLayout.bytes(head.getByteBuffer("k"));
    }
  }

  @Override
  public KeyPage list(NamespaceRef ref, String prefix, String startAfter, int limit) {
    return call(
        "list keys",
        () -> {
          Space space = catalog.require(ref, "list keys");
          byte[] prefixBytes = KeyLayout.utf8(prefix);
          ByteBuffer lower = ByteBuffer.wrap(KeyLayout.lowerBound(prefixBytes, startAfter));
          ByteBuffer upper = ByteBuffer.wrap(KeyLayout.upperBound(prefixBytes));
          // Each bucket holds about 1/buckets of the keys; ask for twice that per page (at least
          // 32) and let paging fetch more from a bucket that holds more.
          int pageSize = Math.min(limit + 1, Math.max(32, 2 * (limit + 1) / space.buckets()));
          List<CompletionStage<AsyncResultSet>> firsts = new ArrayList<>();
          for (int bucket = 0; bucket < space.buckets(); bucket++) {
            firsts.add(
                session.executeAsync(
                    cql.listBucket.bind(space.id(), bucket, lower, upper).setPageSize(pageSize)));
          }
          PriorityQueue<BucketCursor> heads =
              new PriorityQueue<>((a, b) -> Arrays.compareUnsigned(a.headKey, b.headKey));
          for (CompletionStage<AsyncResultSet> first : firsts) {
            BucketCursor cursor = new BucketCursor(await(first));
            if (cursor.head != null) {
              heads.add(cursor);
            }
          }
          long now = clock.millis();
          List<KeyInfo> keys = new ArrayList<>();
          boolean complete = true;
          while (!heads.isEmpty()) {
            BucketCursor cursor = heads.poll();
            Row row = cursor.head;
            long expiration = row.getLong("exp");
            if (!KvEntry.isExpiredAt(expiration, now)) {
              if (keys.size() == limit) {
                complete = false;
                break;
              }
              String meta = row.getString("meta");
              keys.add(
                  new KeyInfo(
                      KeyLayout.string(ByteBuffer.wrap(cursor.headKey)),
                      expiration,
                      meta == null || meta.isEmpty() ? null : meta));
            }
            cursor.advance();
            if (cursor.head != null) {
              heads.add(cursor);
            }
          }
          return new KeyPage(keys, complete);
        });
  }

  // ---------------------------------------------------------------- sweep and lifecycle

  @Override
  public int sweepExpired(int maxDeletes) {
    return call("sweep expired", () -> sweep.sweep(maxDeletes));
  }

  /** Diagnostic for tests: rows in {@code kv}, expired and not yet removed ones included. */
  long rawRecordCount() {
    return call(
        "count records",
        () ->
            session
                .execute(cql.countRecords.bind().setTimeout(config.schemaTimeout()))
                .one()
                .getLong(0));
  }

  /** Test support: empties every table of the keyspace. */
  void truncateAll() {
    run(
        "truncate",
        () -> {
          for (String table : Cql.TABLES) {
            session.execute(
                SimpleStatement.newInstance("TRUNCATE " + config.keyspace() + "." + table)
                    .setTimeout(config.schemaTimeout()));
          }
        });
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    cleaner.shutdownNow();
    if (chunkGcTimer != null) {
      chunkGcTimer.shutdownNow();
    }
    for (Cleanup cleanup : List.copyOf(pendingCleanups)) {
      try {
        runCleanup(cleanup);
      } catch (RuntimeException e) {
        log.warn("chunk cleanup at close failed (the chunks stay as garbage): {}", e.toString());
      }
    }
    pendingCleanups.clear();
    if (ownsSession) {
      session.close();
    }
  }
}
