package dev.flarekv.storage.cassandra;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.KeyPage;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.storage.testkit.MutableClock;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the contract suite cannot see: the Cassandra data model (docs/cassandra.md). */
class CassandraKvStoreTest {
  private static final String ACCOUNT = "0123456789abcdef0123456789abcdef";
  private static final long NOW = 1000;

  /** The wall clock of the stores under test (write timestamps; expiry follows {@code clock}). */
  private static final InstantSource WALL = InstantSource.system();

  private static final int MIB = 1024 * 1024;

  private static CassandraConfig config;
  private static Cql cql;
  private static CqlSession session;

  private MutableClock clock;
  private CassandraKvStore store;
  private NamespaceRef ns;

  @BeforeAll
  static void schema() {
    session = CassandraTestCluster.session();
    config = CassandraTestCluster.config("engine");
    cql = CassandraTestCluster.schema("engine");
  }

  @BeforeEach
  void open() {
    clock = MutableClock.atSeconds(NOW);
    store = CassandraTestCluster.emptyStore(config, cql, clock);
    ns = store.createNamespace(ACCOUNT, "main").ref();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static CassandraConfig withBuckets(int buckets, Duration cacheTtl) {
    return new CassandraConfig(
        config.contactPoints(),
        config.localDatacenter(),
        config.keyspace(),
        config.replicationFactor(),
        config.consistency(),
        config.serialConsistency(),
        buckets,
        config.requestTimeout(),
        config.schemaTimeout(),
        cacheTtl,
        config.chunkGcInterval());
  }

  private static byte[] filled(int size, int seed) {
    byte[] value = new byte[size];
    new Random(seed).nextBytes(value);
    return value;
  }

  private long count(String cqlText, Object... values) {
    return session
        .execute(SimpleStatement.newInstance(cqlText.replace("KS", config.keyspace()), values))
        .one()
        .getLong(0);
  }

  private long chunkRows(String key) {
    return count(
        "SELECT COUNT(*) FROM KS.kv_chunks WHERE ns = ? AND k = ?",
        ns.namespaceId(),
        ByteBuffer.wrap(key.getBytes(UTF_8)));
  }

  private int storedChunks(String key) {
    byte[] k = key.getBytes(UTF_8);
    Row row =
        session
            .execute(
                SimpleStatement.newInstance(
                    "SELECT chunks FROM "
                        + config.keyspace()
                        + ".kv WHERE ns = ? AND bucket = ?"
                        + " AND k = ?",
                    ns.namespaceId(),
                    KeyLayout.bucket(k, config.listBuckets()),
                    ByteBuffer.wrap(k)))
            .one();
    return row == null ? -1 : row.getInt(0);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 4096, 4097, MIB, MIB + 1, 3 * MIB + 5})
  void values_roundTripAcrossTheInlineAndChunkBoundaries(int size) {
    byte[] value = filled(size, size);
    store.put(ns, new KvEntry("v", value.clone(), "{\"size\":" + size + "}", 0));
    KvEntry read = store.get(ns, "v").orElseThrow();
    assertThat(Arrays.equals(read.value(), value)).as("value of %d bytes", size).isTrue();
    assertThat(read.metadata()).isEqualTo("{\"size\":" + size + "}");
    int expectedChunks = size <= 4096 ? 0 : (size + MIB - 1) / MIB;
    assertThat(storedChunks("v")).isEqualTo(expectedChunks);
    assertThat(chunkRows("v")).isEqualTo(expectedChunks);
    assertThat(store.getAll(ns, List.of("v")).get("v").value()).isEqualTo(value);
  }

  /** Another store (front end) over the shared session, with the test's clocks. */
  private CassandraKvStore frontEnd(CassandraConfig frontEndConfig) {
    return new CassandraKvStore(
        new EngineContext(session, cql, clock, WALL), frontEndConfig, false);
  }

  @Test
  void overwriteAndDelete_leaveNoChunksBehind() {
    store.chunkCleanupDelay(Duration.ZERO);
    store.put(ns, new KvEntry("big", filled(2 * MIB + 1, 1), null, 0));
    assertThat(chunkRows("big")).isEqualTo(3);
    byte[] second = filled(MIB + 7, 2);
    store.put(ns, new KvEntry("big", second, null, 0));
    assertThat(chunkRows("big")).as("old version's chunks deleted").isEqualTo(2);
    assertThat(store.get(ns, "big").orElseThrow().value()).isEqualTo(second);

    store.putAll(ns, List.of(new KvEntry("big", filled(5000, 3), null, 0)));
    assertThat(chunkRows("big")).isEqualTo(1);
    store.delete(ns, "big");
    assertThat(chunkRows("big")).isZero();
    assertThat(store.get(ns, "big")).isEmpty();

    store.put(ns, new KvEntry("other", filled(5000, 4), null, 0));
    store.deleteNamespace(ns);
    assertThat(chunkRows("other")).isZero();
  }

  @Test
  void supersededChunks_stayReadableForTheDelay_thenGo() throws Exception {
    store.chunkCleanupDelay(Duration.ofMillis(500));
    store.put(ns, new KvEntry("big", filled(MIB + 1, 1), null, 0));
    store.put(ns, new KvEntry("big", filled(MIB + 2, 2), null, 0));
    assertThat(chunkRows("big")).as("old version still there for readers").isEqualTo(4);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (chunkRows("big") != 2 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(chunkRows("big")).isEqualTo(2);
    assertThat(store.get(ns, "big").orElseThrow().value()).isEqualTo(filled(MIB + 2, 2));
  }

  @Test
  void close_runsPendingChunkCleanups() {
    store.chunkCleanupDelay(Duration.ofHours(1));
    store.put(ns, new KvEntry("big", filled(MIB + 1, 1), null, 0));
    store.putAll(ns, List.of(new KvEntry("big", filled(5000, 2), null, 0)));
    assertThat(chunkRows("big")).isEqualTo(3);
    store.close();
    assertThat(chunkRows("big")).isEqualTo(1);
  }

  /** Writes chunk rows directly, as a front end that died before writing the record would. */
  private void writeOrphanChunk(String nsId, String key, long version) {
    session.execute(
        SimpleStatement.newInstance(
            "INSERT INTO "
                + config.keyspace()
                + ".kv_chunks (ns, k, ver, chunk, data) VALUES (?, ?, ?, 0, ?) USING TIMESTAMP ?",
            nsId,
            ByteBuffer.wrap(key.getBytes(UTF_8)),
            version,
            ByteBuffer.wrap(filled(5000, 9)),
            version));
  }

  private long chunkRows(String nsId, String key) {
    return count(
        "SELECT COUNT(*) FROM KS.kv_chunks WHERE ns = ? AND k = ?",
        nsId,
        ByteBuffer.wrap(key.getBytes(UTF_8)));
  }

  @Test
  void chunkGc_removesVersionsNoRecordPointsTo_andKeepsEveryLiveValue() {
    store.chunkCleanupDelay(Duration.ofHours(1)); // superseded versions wait for the delay
    store.put(ns, new KvEntry("inlined", filled(5000, 1), null, 0));
    store.put(ns, new KvEntry("inlined", filled(100, 2), null, 0)); // an inline put keeps chunks
    store.put(ns, new KvEntry("live", filled(MIB + 1, 3), null, 0));
    store.put(ns, new KvEntry("superseded", filled(5000, 4), null, 0));
    store.put(ns, new KvEntry("superseded", filled(6000, 5), null, 0));
    long aSecondAgo = (System.currentTimeMillis() - 1000) * 1000;
    writeOrphanChunk(ns.namespaceId(), "crashed", aSecondAgo); // chunks, then no record
    String goneNs = "00000000000000000000000000000bad";
    writeOrphanChunk(goneNs, "raced", aSecondAgo); // a put that raced its namespace's delete
    long liveVersion =
        session
            .execute(
                SimpleStatement.newInstance(
                    "SELECT ver FROM "
                        + config.keyspace()
                        + ".kv WHERE ns = ? AND bucket = ? AND k = ?",
                    ns.namespaceId(),
                    KeyLayout.bucket("live".getBytes(UTF_8), config.listBuckets()),
                    ByteBuffer.wrap("live".getBytes(UTF_8))))
            .one()
            .getLong(0);
    writeOrphanChunk(ns.namespaceId(), "live", liveVersion + 1); // an overwrite that died
    assertThat(chunkRows("inlined")).isEqualTo(1);
    assertThat(chunkRows("live")).isEqualTo(3);
    assertThat(chunkRows("superseded")).isEqualTo(2);

    CassandraChunkGc.Result young = store.chunkGc().collect(Duration.ofHours(1));
    assertThat(young.partitions()).isEqualTo(5);
    assertThat(young.versionsDeleted()).as("all of it is younger than an hour").isZero();
    assertThat(chunkRows("inlined") + chunkRows("live") + chunkRows("superseded")).isEqualTo(6);

    CassandraChunkGc.Result old = store.chunkGc().collect(Duration.ZERO);
    assertThat(old.partitions()).isEqualTo(5);
    assertThat(old.versionsDeleted()).isEqualTo(5);
    assertThat(chunkRows("inlined")).isZero();
    assertThat(chunkRows("crashed")).isZero();
    assertThat(chunkRows(goneNs, "raced")).isZero();
    assertThat(chunkRows("live")).as("the record's two chunks stay").isEqualTo(2);
    assertThat(chunkRows("superseded")).as("the newer version stays").isEqualTo(1);
    assertThat(store.get(ns, "inlined").orElseThrow().value()).isEqualTo(filled(100, 2));
    assertThat(store.get(ns, "live").orElseThrow().value()).isEqualTo(filled(MIB + 1, 3));
    assertThat(store.get(ns, "superseded").orElseThrow().value()).isEqualTo(filled(6000, 5));
    assertThat(store.get(ns, "crashed")).isEmpty();

    assertThat(store.chunkGc().collect(Duration.ZERO).versionsDeleted())
        .as("a second pass finds nothing")
        .isZero();
  }

  @Test
  void chunkGcLease_goesToOneFrontEndPerInterval_thenIsFreeAgain() throws Exception {
    String lease = "test-" + java.util.UUID.randomUUID();
    try (CassandraKvStore other = frontEnd(config)) {
      assertThat(store.chunkGc().claimLease(lease, Duration.ofSeconds(2))).isTrue();
      assertThat(other.chunkGc().claimLease(lease, Duration.ofSeconds(2)))
          .as("held by the first")
          .isFalse();
      assertThat(store.chunkGc().claimLease(lease, Duration.ofSeconds(2)))
          .as("a lease is per interval, its holder included")
          .isFalse();
      boolean claimed = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (!claimed && System.nanoTime() < deadline) {
        Thread.sleep(250);
        claimed = other.chunkGc().claimLease(lease, Duration.ofSeconds(2));
      }
      assertThat(claimed).as("free again once its TTL ran out").isTrue();
    }
    assertThat(ChunkGcSchedule.leaseFor(Duration.ofHours(24)))
        .isEqualTo(Duration.ofHours(24).multipliedBy(9).dividedBy(10));
    assertThat(ChunkGcSchedule.leaseFor(Duration.ofMillis(10))).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void readers_neverSeeHalfAValue() throws Exception {
    byte[] a = new byte[2 * MIB + 10];
    byte[] b = new byte[3 * MIB + 20];
    Arrays.fill(a, (byte) 'a');
    Arrays.fill(b, (byte) 'b');
    store.put(ns, new KvEntry("k", a, null, 0));
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Integer> reader =
          pool.submit(
              () -> {
                int reads = 0;
                while (!done.get()) {
                  byte[] v = store.get(ns, "k").orElseThrow().value();
                  byte first = v[0];
                  assertThat(v.length).isEqualTo(first == 'a' ? a.length : b.length);
                  for (byte x : v) {
                    if (x != first) {
                      throw new AssertionError("mixed value");
                    }
                  }
                  reads++;
                }
                return reads;
              });
      for (int i = 0; i < 20; i++) {
        store.put(ns, new KvEntry("k", i % 2 == 0 ? b : a, null, 0));
      }
      done.set(true);
      assertThat(reader.get(60, TimeUnit.SECONDS)).isPositive();
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 16, 64})
  void list_mergesBucketsInUtf8ByteOrder(int buckets) {
    CassandraKvStore sized = frontEnd(withBuckets(buckets, Duration.ofSeconds(2)));
    NamespaceRef ref = sized.createNamespace(ACCOUNT, "sized-" + buckets).ref();
    Random random = new Random(buckets);
    String[] alphabet = {"a", "b", "z", "é", "\uE000", "\uFFFF", "\uD83D\uDE00", ":", "0", "~"};
    TreeSet<byte[]> expected = new TreeSet<>(Arrays::compareUnsigned);
    List<KvEntry> entries = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      StringBuilder key = new StringBuilder(i % 3 == 0 ? "session:" : "");
      for (int j = 0, n = 1 + random.nextInt(4); j < n; j++) {
        key.append(alphabet[random.nextInt(alphabet.length)]);
      }
      boolean expired = i % 7 == 0;
      entries.add(new KvEntry(key.toString(), new byte[0], null, expired ? NOW + 60 : 0));
      if (expired) {
        expected.remove(key.toString().getBytes(UTF_8));
      } else {
        expected.add(key.toString().getBytes(UTF_8));
      }
    }
    sized.putAll(ref, entries);
    clock.advanceSeconds(60);
    for (String prefix : List.of("", "session:", "é")) {
      List<String> want =
          expected.stream()
              .map(k -> new String(k, UTF_8))
              .filter(k -> k.startsWith(prefix))
              .toList();
      List<String> got = new ArrayList<>();
      String after = null;
      int pages = 0;
      while (true) {
        KeyPage page =
            sized.list(ref, prefix, after, 1 + random.nextInt(Math.max(1, want.size() / 4)));
        page.keys().stream().map(KeyInfo::name).forEach(got::add);
        pages++;
        if (page.listComplete()) {
          break;
        }
        after = page.lastKey();
      }
      assertThat(got).as("prefix '%s' over %d buckets", prefix, buckets).isEqualTo(want);
      assertThat(want).hasSizeGreaterThan(3);
      assertThat(pages).isGreaterThan(1);
    }
    sized.close();
  }

  @Test
  void keys_spreadOverEveryBucket() {
    List<KvEntry> entries = new ArrayList<>();
    for (int i = 0; i < 1600; i++) {
      entries.add(new KvEntry("session:" + i, new byte[0], null, 0));
    }
    store.putAll(ns, entries);
    long total = 0;
    for (int bucket = 0; bucket < config.listBuckets(); bucket++) {
      long rows =
          count("SELECT COUNT(*) FROM KS.kv WHERE ns = ? AND bucket = ?", ns.namespaceId(), bucket);
      assertThat(rows).as("bucket %d", bucket).isBetween(50L, 150L); // 100 expected
      total += rows;
    }
    assertThat(total).isEqualTo(1600);
  }

  @Test
  void twoFrontEnds_seeOneStore_andADeletedNamespaceTakesNoMoreWrites() {
    // a second front end that trusts its namespace cache for a minute
    CassandraKvStore other = frontEnd(withBuckets(config.listBuckets(), Duration.ofMinutes(1)));
    try {
      store.put(ns, new KvEntry("from-a", "1".getBytes(UTF_8), null, 0));
      other.put(ns, new KvEntry("from-b", "2".getBytes(UTF_8), null, 0));
      assertThat(store.get(ns, "from-b")).isPresent();
      assertThat(other.list(ns, "", null, 10).keys())
          .extracting(KeyInfo::name)
          .containsExactly("from-a", "from-b");

      store.deleteNamespace(ns);
      // the other front end still believes in the namespace; its write is discarded
      other.put(ns, new KvEntry("late", "3".getBytes(UTF_8), null, 0));
      assertThat(store.rawRecordCount()).isZero();
      assertThat(other.namespaceById(ns.namespaceId())).isEmpty();
    } finally {
      other.close();
    }
  }

  @Test
  void sweep_dropsIndexEntriesOfDeletedNamespaces_andTtlIsSet() {
    store.put(ns, new KvEntry("k", new byte[1], null, NOW + 600));
    int ttl =
        session
            .execute(
                SimpleStatement.newInstance(
                    "SELECT TTL(exp) FROM "
                        + config.keyspace()
                        + ".kv WHERE ns = ? ALLOW FILTERING",
                    ns.namespaceId()))
            .one()
            .getInt(0);
    assertThat(ttl).isBetween(590, 600);
    assertThat(count("SELECT COUNT(*) FROM KS.kv_expiry")).isEqualTo(1);
    store.deleteNamespace(ns);
    clock.advanceSeconds(700);
    assertThat(store.sweepExpired(10)).isZero();
    assertThat(count("SELECT COUNT(*) FROM KS.kv_expiry")).isZero();
  }

  @Test
  void cqlTtl_onlyForFutureExpirationsCqlCanHold() {
    long realNow = System.currentTimeMillis() / 1000;
    assertThat(CqlTtl.of(0, NOW, realNow)).isZero();
    assertThat(CqlTtl.of(NOW + 60, NOW, realNow)).isEqualTo(60);
    assertThat(CqlTtl.of(NOW, NOW, realNow)).isZero();
    assertThat(CqlTtl.of(NOW - 1, NOW, realNow)).isZero();
    assertThat(CqlTtl.of(4_000_000_000L, realNow, realNow)).as("after 2038").isZero();
  }

  @Test
  void bounds_coverExactlyThePrefix() {
    byte[] prefix = "ab".getBytes(UTF_8);
    assertThat(KeyLayout.lowerBound(prefix, null)).isEqualTo(prefix);
    assertThat(KeyLayout.lowerBound(prefix, "a")).isEqualTo(prefix);
    assertThat(KeyLayout.lowerBound(prefix, "abc")).isEqualTo(new byte[] {'a', 'b', 'c', 0});
    assertThat(KeyLayout.upperBound(prefix)).isEqualTo(new byte[] {'a', 'b', (byte) 0xFF});
    assertThat(KeyLayout.upperBound(new byte[0])).isEqualTo(new byte[] {(byte) 0xFF});
  }
}
