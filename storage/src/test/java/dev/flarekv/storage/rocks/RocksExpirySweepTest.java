package dev.flarekv.storage.rocks;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.StoreConfig;
import dev.flarekv.storage.expiry.ExpirySweeper;
import dev.flarekv.storage.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Physical expiry at volume, against a real RocksDB with an injected clock. */
class RocksExpirySweepTest {
  private static final String ACCOUNT = "0123456789abcdef0123456789abcdef";
  private static final long START = 1_000;
  private static final int KEYS = 100_000;
  private static final int SPREAD_SECONDS = 100;

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.atSeconds(START);
  private KvStore store;
  private NamespaceRef ns;

  @BeforeEach
  void open() {
    store = RocksKvStores.open(dir, StoreConfig.defaults(), clock);
    ns = store.createNamespace(ACCOUNT, "expiring").ref();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private RocksDiagnostics rocks() {
    return RocksDiagnostics.of(store);
  }

  private static String key(int i) {
    String digits = Integer.toString(i);
    return "key-" + "0".repeat(6 - digits.length()) + digits;
  }

  /**
   * Key i expires at START + 60 + i % SPREAD_SECONDS, so expiration order differs from key order.
   */
  private void putExpiringKeys() {
    byte[] value = new byte[100];
    List<KvEntry> batch = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      value[i % value.length]++;
      batch.add(new KvEntry(key(i), value.clone(), null, START + 60 + i % SPREAD_SECONDS));
      if (batch.size() == 5_000) {
        store.putAll(ns, batch);
        batch.clear();
      }
    }
  }

  @Test
  void sweep_removes100kExpiredRecords_keepsRewrittenOnes_andShrinksDisk() throws Exception {
    putExpiringKeys();
    store.put(ns, new KvEntry("forever", new byte[] {1}, null, 0));
    rocks().flush();
    long sstBefore = rocks().sstBytes();
    assertThat(rocks().rawDataCount()).isEqualTo(KEYS + 1);
    assertThat(rocks().rawIndexCount()).isEqualTo(KEYS);

    clock.advanceSeconds(60 + SPREAD_SECONDS);
    assertThat(store.list(ns, "key-", null, 10).keys()).isEmpty();

    // The first round reaches expirations START+60 .. about +70; the keys below expire last.
    assertThat(store.sweepExpired(10_000)).isEqualTo(10_000);
    int lastExpiring = SPREAD_SECONDS - 1; // key-000099 expires at START + 60 + 99
    store.put(ns, new KvEntry(key(lastExpiring), "no expiration".getBytes(UTF_8), null, 0));
    long later = clock.seconds() + 3_600;
    store.put(ns, new KvEntry(key(2 * SPREAD_SECONDS - 1), "later".getBytes(UTF_8), null, later));

    // Meanwhile another thread rewrites 500 more late-expiring keys without expiration.
    List<String> rewritten = new ArrayList<>();
    for (int i = 3 * SPREAD_SECONDS - 1; rewritten.size() < 500; i += SPREAD_SECONDS) {
      rewritten.add(key(i));
    }
    ExecutorService writer = Executors.newSingleThreadExecutor();
    long swept;
    try (ExpirySweeper sweeper = new ExpirySweeper(store, Duration.ofHours(1), 30_000)) {
      Future<?> writes =
          writer.submit(
              () -> rewritten.forEach(k -> store.put(ns, new KvEntry(k, new byte[] {7}, null, 0))));
      swept = sweeper.runOnce();
      writes.get(30, TimeUnit.SECONDS);
      swept += sweeper.runOnce();
    } finally {
      writer.shutdownNow();
    }

    int survivors = 1 + 2 + rewritten.size();
    assertThat(rocks().rawDataCount()).isEqualTo(survivors);
    // Stale and processed index entries are gone; only the later expiration is still indexed.
    assertThat(rocks().rawIndexCount()).isEqualTo(1);
    assertThat(10_000 + swept).isBetween((long) KEYS - 2 - rewritten.size(), (long) KEYS - 2);
    assertThat(store.get(ns, key(lastExpiring)).orElseThrow().expires()).isFalse();
    assertThat(store.get(ns, key(2 * SPREAD_SECONDS - 1)).orElseThrow().expiration())
        .isEqualTo(later);
    rewritten.forEach(k -> assertThat(store.get(ns, k)).isPresent());
    assertThat(store.sweepExpired(10_000)).isZero();

    // Compaction ran over the swept ranges: the SST files lost (almost) all of the dead records.
    rocks().flush();
    long sstAfter = rocks().sstBytes();
    assertThat(sstAfter).isLessThan(sstBefore / 4);
    assertThat(rocks().openIteratorCount()).isZero();
  }

  @Test
  void sweep_isBoundedPerCall() {
    for (int i = 0; i < 1_000; i++) {
      store.put(ns, new KvEntry(key(i), new byte[0], null, START + 60));
    }
    clock.advanceSeconds(60);
    assertThat(store.sweepExpired(300)).isEqualTo(300);
    assertThat(rocks().rawDataCount()).isEqualTo(700);
    assertThat(store.sweepExpired(0)).isZero();
    assertThat(store.sweepExpired(1_000)).isEqualTo(700);
    assertThat(rocks().rawIndexCount()).isZero();
  }

  @Test
  void sweep_dropsIndexEntriesOfDeletedNamespace() {
    store.put(ns, new KvEntry("k", new byte[0], null, START + 60));
    store.deleteNamespace(ns);
    clock.advanceSeconds(60);
    assertThat(rocks().rawIndexCount()).isOne();
    assertThat(store.sweepExpired(10)).isZero();
    assertThat(rocks().rawIndexCount()).isZero();
  }

  @Test
  void sweep_afterRestart_findsIndexOnDisk() {
    store.put(ns, new KvEntry("k", new byte[0], null, START + 60));
    store.close();
    store = RocksKvStores.open(dir, StoreConfig.defaults(), clock);
    clock.advanceSeconds(60);
    assertThat(store.sweepExpired(10)).isOne();
    assertThat(rocks().rawDataCount()).isZero();
  }

  @Test
  void sweep_resumesAtLastEntry_withoutSteppingOverItsOwnTombstones() {
    // 20,000 keys sharing one expiration second, swept 1,000 at a time: each call must start
    // after the entries it already deleted, not at the start of their second.
    List<KvEntry> batch = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      batch.add(new KvEntry(key(i), new byte[] {1}, null, START + 60));
    }
    store.putAll(ns, batch);
    clock.advanceSeconds(60);
    long[] skipped = new long[20];
    int[] deleted = new int[20];
    for (int round = 0; round < 20; round++) {
      int r = round;
      skipped[r] = rocks().deletesSkippedBy(() -> deleted[r] = store.sweepExpired(1_000));
    }
    assertThat(deleted).containsOnly(1_000);
    assertThat(rocks().rawDataCount()).isZero();
    // The seek lands on the last deleted entry: at most a chunk's worth, never the earlier rounds'.
    for (int round = 1; round < 20; round++) {
      assertThat(skipped[round]).as("tombstones skipped in round %d", round).isLessThan(300);
    }
  }

  @Test
  void sweep_afterAnEntryIndexedBehindTheResumePoint_goesBackForIt() {
    for (int i = 0; i < 10; i++) {
      store.put(ns, new KvEntry(key(i), new byte[0], null, START + 120));
    }
    clock.advanceSeconds(120);
    assertThat(store.sweepExpired(10)).isEqualTo(10);
    // A write whose expiration is already due (at or below the resume point) is indexed there.
    store.put(ns, new KvEntry("a-early", new byte[0], null, START + 60));
    store.put(ns, new KvEntry(key(0), new byte[0], null, START + 120));
    assertThat(store.sweepExpired(10)).isEqualTo(2);
    assertThat(rocks().rawDataCount()).isZero();
    assertThat(rocks().rawIndexCount()).isZero();
  }

  @Test
  void close_duringALargeSweep_stopsItAtTheNextChunk_andLosesNothing() throws Exception {
    putExpiringKeys();
    clock.advanceSeconds(60 + SPREAD_SECONDS);
    ExecutorService sweeperThread = Executors.newSingleThreadExecutor();
    int partial;
    try {
      java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
      Future<Integer> sweeping =
          sweeperThread.submit(
              () -> {
                started.countDown();
                try {
                  return store.sweepExpired(Integer.MAX_VALUE / 4);
                } catch (dev.flarekv.storage.StoreException closedFirst) {
                  return 0;
                }
              });
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      // the sweep is under way once it holds its iterator on the expiry index
      while (store.openIterators() == 0 && !sweeping.isDone()) {
        Thread.onSpinWait();
      }
      store.close();
      partial = sweeping.get(10, TimeUnit.SECONDS);
    } finally {
      sweeperThread.shutdownNow();
    }
    assertThat(partial).isLessThan(KEYS);
    store = RocksKvStores.open(dir, StoreConfig.defaults(), clock);
    assertThat(rocks().rawDataCount()).isEqualTo(KEYS - partial);
    assertThat(store.sweepExpired(KEYS)).isEqualTo(KEYS - partial);
    assertThat(rocks().rawDataCount()).isZero();
  }

  @Test
  void closingTheStoreAgain_afterTheSweepReleasedItsOptions_isHarmless() {
    store.put(ns, new KvEntry("k", new byte[0], null, START + 60));
    clock.advanceSeconds(60);
    assertThat(store.sweepExpired(10)).isOne();
    for (int i = 0; i < 50; i++) {
      store.close(); // the first frees the sweep's native options; later ones must not touch them
    }
    store = RocksKvStores.open(dir, StoreConfig.defaults(), clock);
    assertThat(rocks().rawDataCount()).isZero();
  }
}
