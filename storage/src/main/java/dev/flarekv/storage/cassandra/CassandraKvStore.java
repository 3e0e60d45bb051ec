package dev.flarekv.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.flarekv.protocol.model.KeyPage;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.StripedLocks;
import dev.flarekv.storage.cassandra.CassandraNamespaces.Space;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link KvStore} over Apache Cassandra. Data model, consistency and failure behaviour:
 * docs/cassandra.md. This class resolves the namespace of each operation and hands it to the part
 * that does the work:
 *
 * <ul>
 *   <li>{@link CassandraNamespaces}: the namespace catalog;
 *   <li>{@link RecordReads} and {@link RecordWrites}: records, with {@link ChunkedValues} for large
 *       values and {@link ChunkCleanup} for the chunk versions a write superseded;
 *   <li>{@link BucketMerge}: listings, merged over the list buckets;
 *   <li>{@link CassandraSweep}: the expiry index and the sweep;
 *   <li>{@link ChunkGcSchedule} and {@link CassandraChunkGc}: the periodic chunk garbage pass.
 * </ul>
 *
 * Two clocks: {@code clock} decides expiry, {@code wallClock} stamps writes (see {@link
 * EngineContext}).
 */
final class CassandraKvStore implements KvStore {
  /** Keys map onto this many lock stripes (bulk writes exclusive, bulk reads shared). */
  private static final int STRIPES = 1024;

  private final EngineContext engine;
  private final CassandraConfig config;
  private final boolean ownsSession;
  private final StoreCalls calls;
  private final CassandraNamespaces catalog;
  private final CassandraSweep sweep;
  private final ChunkCleanup chunkCleanup;
  private final RecordReads reads;
  private final RecordWrites writes;
  private final BucketMerge listing;
  private final ChunkGcSchedule chunkGc;

  /** A store over the engine's session ({@code ownsSession}: {@link #close} closes it). */
  CassandraKvStore(EngineContext engine, CassandraConfig config, boolean ownsSession) {
    this.engine = engine;
    this.config = config;
    this.ownsSession = ownsSession;
    this.calls = new StoreCalls(config.keyspace());
    CqlSession session = engine.session();
    Cql cql = engine.cql();
    StripedLocks locks = new StripedLocks(STRIPES);
    ChunkedValues chunks = new ChunkedValues(session, cql);
    this.catalog = new CassandraNamespaces(session, cql, config);
    this.sweep = new CassandraSweep(session, cql, engine.clock(), engine.writeClock());
    this.chunkCleanup = new ChunkCleanup(session, cql);
    this.reads = new RecordReads(engine, chunks, locks);
    this.writes = new RecordWrites(engine, sweep, chunks, chunkCleanup, locks);
    this.listing = new BucketMerge(engine);
    this.chunkGc = new ChunkGcSchedule(engine, calls, catalog, config.chunkGcInterval());
  }

  // ---------------------------------------------------------------- namespaces

  @Override
  public Namespace createNamespace(String accountId, String title) {
    return calls.call("create namespace", () -> catalog.create(accountId, title));
  }

  @Override
  public Optional<Namespace> namespace(NamespaceRef ref) {
    return calls.call("get namespace", () -> Optional.ofNullable(catalog.find(ref)));
  }

  @Override
  public Optional<Namespace> namespaceById(String namespaceId) {
    return calls.call(
        "get namespace",
        () -> Optional.ofNullable(catalog.load(namespaceId)).map(Space::namespace));
  }

  @Override
  public List<Namespace> namespaces(String accountId) {
    return calls.call("list namespaces", () -> catalog.list(accountId));
  }

  @Override
  public Namespace renameNamespace(NamespaceRef ref, String title) {
    return calls.call("rename namespace", () -> catalog.rename(ref, title));
  }

  @Override
  public void deleteNamespace(NamespaceRef ref) {
    calls.run("delete namespace", () -> writes.dropPartitions(catalog.remove(ref)));
  }

  // ---------------------------------------------------------------- keys

  @Override
  public Optional<KvEntry> get(NamespaceRef ref, String key) {
    return calls.call("get", () -> reads.get(catalog.require(ref, "get"), key));
  }

  @Override
  public Map<String, KvEntry> getAll(NamespaceRef ref, Collection<String> keys) {
    String op = "bulk get keys";
    return calls.call(op, () -> reads.getAll(catalog.require(ref, op), keys));
  }

  @Override
  public void put(NamespaceRef ref, KvEntry entry) {
    calls.run("put", () -> writes.put(catalog.require(ref, "put"), entry));
  }

  @Override
  public void putAll(NamespaceRef ref, List<KvEntry> entries) {
    String op = "bulk put keys";
    calls.run(op, () -> writes.putAll(catalog.require(ref, op), entries));
  }

  @Override
  public void delete(NamespaceRef ref, String key) {
    String op = "remove key";
    calls.run(op, () -> writes.delete(catalog.require(ref, op), key));
  }

  @Override
  public void deleteAll(NamespaceRef ref, Collection<String> keys) {
    String op = "bulk remove keys";
    calls.run(op, () -> writes.deleteAll(catalog.require(ref, op), keys));
  }

  @Override
  public KeyPage list(NamespaceRef ref, String prefix, String startAfter, int limit) {
    String op = "list keys";
    return calls.call(op, () -> listing.list(catalog.require(ref, op), prefix, startAfter, limit));
  }

  // ---------------------------------------------------------------- sweep and lifecycle

  @Override
  public int sweepExpired(int maxDeletes) {
    return calls.call("sweep expired", () -> sweep.sweep(maxDeletes));
  }

  /** The chunk garbage schedule: tests run a pass or claim its lease directly. */
  ChunkGcSchedule chunkGc() {
    return chunkGc;
  }

  /** Test support: how long superseded chunk versions are kept for readers (default 30 s). */
  void chunkCleanupDelay(Duration delay) {
    chunkCleanup.delay(delay);
  }

  /** Diagnostic for tests: rows in {@code kv}, expired and not yet removed ones included. */
  long rawRecordCount() {
    return calls.call(
        "count records",
        () ->
            engine
                .session()
                .execute(engine.cql().countRecords.bind().setTimeout(config.schemaTimeout()))
                .one()
                .getLong(0));
  }

  /** Test support: empties every table of the keyspace. */
  void truncateAll() {
    calls.run(
        "truncate",
        () -> {
          for (String table : Cql.TABLES) {
            engine
                .session()
                .execute(
                    SimpleStatement.newInstance("TRUNCATE " + config.keyspace() + "." + table)
                        .setTimeout(config.schemaTimeout()));
          }
        });
  }

  @Override
  public void close() {
    if (!calls.close()) {
      return;
    }
    chunkGc.close();
    chunkCleanup.close();
    if (ownsSession) {
      engine.session().close();
    }
  }
}
