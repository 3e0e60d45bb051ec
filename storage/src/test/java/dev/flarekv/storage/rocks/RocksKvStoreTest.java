package dev.flarekv.storage.rocks;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.KvStoreContractTest;
import dev.flarekv.storage.StoreConfig;
import dev.flarekv.storage.StoreException;
import dev.flarekv.storage.metrics.MeteredKvStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.rocksdb.AbstractImmutableNativeReference;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

class RocksKvStoreTest extends KvStoreContractTest {

  @Override
  protected KvStore createStore(Path dir, InstantSource clock) {
    return RocksKvStores.open(dir.resolve("db"), StoreConfig.defaults(), clock);
  }

  @Override
  protected long rawRecordCount(KvStore store) {
    return RocksDiagnostics.of(store).rawDataCount();
  }

  private RocksDiagnostics rocks() {
    return RocksDiagnostics.of(store);
  }

  private void reopen() {
    store.close();
    store = createStore(dir, clock);
  }

  @Test
  void checkpoint_whileWriting_opensAsAStoreWithEveryEarlierWrite() throws Exception {
    store.put(ns, entry("k", "v", "{\"a\":1}", NOW_SECONDS + 120));
    byte[] big = new byte[(int) RocksHandles.MIN_BLOB_BYTES * 2]; // goes to a blob file
    java.util.Arrays.fill(big, (byte) 7);
    store.put(ns, new KvEntry("big", big, null, KvEntry.NO_EXPIRATION));
    for (int i = 0; i < 500; i++) {
      store.put(ns, entry("before-" + i, "v" + i));
    }
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread writer =
        new Thread(
            () -> {
              for (int i = 0; !stop.get(); i++) {
                store.put(ns, entry("during-" + i, "x"));
              }
            });
    writer.start();
    Path copy = dir.resolve("backups").resolve("copy");
    try {
      store.checkpoint(copy);
    } finally {
      stop.set(true);
      writer.join();
    }
    assertThatThrownBy(() -> store.checkpoint(copy))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already exists");
    store.put(ns, entry("after", "not in the copy"));
    try (KvStore restored = RocksKvStores.open(copy, StoreConfig.defaults(), clock)) {
      assertThat(restored.namespace(ns)).isPresent();
      KvEntry k = restored.get(ns, "k").orElseThrow();
      assertThat(k.metadata()).isEqualTo("{\"a\":1}");
      assertThat(k.expiration()).isEqualTo(NOW_SECONDS + 120);
      assertThat(restored.get(ns, "big").orElseThrow().value()).isEqualTo(big);
      for (int i = 0; i < 500; i++) {
        assertThat(restored.get(ns, "before-" + i)).isPresent();
      }
      assertThat(restored.get(ns, "after")).isEmpty();
    }
    assertThat(store.get(ns, "after")).isPresent();
  }

  @Test
  void getIfCached_answersFromMemtable_declinesUntilTheBlockIsCached() {
    store.put(ns, entry("k", "v", "{\"a\":1}", NOW_SECONDS + 120));
    assertThat(store.getIfCached(ns, "k").entry()).isEqualTo(store.get(ns, "k"));
    assertThat(store.getIfCached(ns, "absent").entry()).isEmpty();

    reopen(); // close flushed the memtable to an SST; the new block cache is empty
    assertThat(store.getIfCached(ns, "k").answered()).isFalse();
    assertThat(store.get(ns, "k")).isPresent(); // the blocking read loads the block
    assertThat(store.getIfCached(ns, "k").entry()).isEqualTo(store.get(ns, "k"));
  }

  @Test
  void getIfCached_blobValue_alwaysTakesTheBlockingPath() {
    byte[] big = new byte[(int) RocksHandles.MIN_BLOB_BYTES];
    store.put(ns, new KvEntry("big", big, null, KvEntry.NO_EXPIRATION));
    reopen();
    assertThat(store.get(ns, "big")).isPresent();
    assertThat(store.getIfCached(ns, "big").answered()).isFalse();
    assertThat(store.get(ns, "big").orElseThrow().value()).hasSize(big.length);
  }

  @Test
  void getIfCached_closedStore_declinesInsteadOfThrowing() {
    store.put(ns, entry("k", "v"));
    store.close();
    assertThat(store.getIfCached(ns, "k").answered()).isFalse();
    store = createStore(dir, clock);
  }

  @Test
  void getIfCached_isMeteredAsGet_andMissesAreCounted() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    KvStore metered = new MeteredKvStore(store, registry);
    store.put(ns, entry("k", "v"));
    assertThat(metered.getIfCached(ns, "k").answered()).isTrue();
    assertThat(metered.getIfCached(ns, "absent").answered()).isTrue();
    assertThat(metered.getIfCached(new NamespaceRef(ACCOUNT, "0".repeat(32)), "k").answered())
        .isFalse();
    assertThat(
            registry
                .get(MeteredKvStore.OPERATIONS)
                .tags("op", "get", "outcome", "success")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get(MeteredKvStore.OPERATIONS)
                .tags("op", "get", "outcome", "not_found")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(registry.get(MeteredKvStore.CACHE_MISSES).counter().count()).isEqualTo(1);
  }

  @Test
  void restart_keepsValuesMetadataExpirationsAndNamespaces() {
    Namespace second = store.createNamespace(ACCOUNT, "second");
    store.renameNamespace(second.ref(), "renamed");
    Namespace foreign = store.createNamespace(OTHER_ACCOUNT, "theirs");
    store.put(ns, entry("k", "v", "{\"a\":1}", NOW_SECONDS + 120));
    store.put(ns, entry("plain", "p"));
    store.put(ns, entry("empty", ""));
    store.put(second.ref(), entry("s", "in second"));

    reopen();

    assertThat(store.namespaces(ACCOUNT))
        .extracting(Namespace::title)
        .containsExactlyInAnyOrder("main", "renamed");
    assertThat(store.namespace(second.ref()))
        .contains(new Namespace(second.id(), ACCOUNT, "renamed"));
    assertThat(store.namespaces(OTHER_ACCOUNT)).containsExactly(foreign);
    assertThat(store.get(ns, "k")).contains(entry("k", "v", "{\"a\":1}", NOW_SECONDS + 120));
    assertThat(store.get(ns, "empty")).contains(entry("empty", ""));
    assertThat(valueOf(second.ref(), "s")).isEqualTo("in second");
    assertThat(store.list(ns, "", null, 10).keys())
        .containsExactly(
            new KeyInfo("empty", 0, null),
            new KeyInfo("k", NOW_SECONDS + 120, "{\"a\":1}"),
            new KeyInfo("plain", 0, null));

    // the catalog rules still hold after loading it from disk
    assertThatThrownBy(() -> store.createNamespace(ACCOUNT, "renamed"))
        .hasMessageContaining("already exists");
    clock.advanceSeconds(120);
    assertThat(store.get(ns, "k")).isEmpty();
    assertThat(store.sweepExpired(10)).isEqualTo(1);
  }

  @Test
  void close_flushesSoTheNextStartReplaysNoWal() throws Exception {
    for (int i = 0; i < 1000; i++) {
      store.put(ns, entry("k" + i, "v" + i));
    }
    store.close();
    long walBytes;
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
      walBytes =
          files
              .filter(p -> p.getFileName().toString().endsWith(".log"))
              .mapToLong(
                  p -> {
                    try {
                      return java.nio.file.Files.size(p);
                    } catch (java.io.IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .sum();
    }
    assertThat(walBytes).as("bytes left in write-ahead log files after a clean close").isZero();
    store = createStore(dir, clock);
    assertThat(valueOf(ns, "k999")).isEqualTo("v999");
  }

  @Test
  void restart_keepsLargeBlobValue() {
    byte[] big = new byte[3 * 1024 * 1024];
    IntStream.range(0, big.length).forEach(i -> big[i] = (byte) (i * 31));
    store.put(ns, new KvEntry("big", big, null, 0));
    rocks().flush();
    reopen();
    assertThat(store.get(ns, "big").orElseThrow().value()).isEqualTo(big);
  }

  @Test
  void restart_afterNamespaceDelete_dataStaysGone() {
    store.put(ns, entry("k", "v"));
    store.deleteNamespace(ns);
    reopen();
    assertThat(store.namespace(ns)).isEmpty();
    assertThat(rawRecordCount(store)).isZero();
  }

  @Test
  void list_closesItsIterators() {
    IntStream.range(0, 50).forEach(i -> store.put(ns, entry("k" + i, "v")));
    for (int i = 0; i < 20; i++) {
      store.list(ns, "k", i == 0 ? null : "k1", 7);
    }
    store.getAll(ns, List.of("k1", "k2"));
    assertThatThrownBy(() -> store.list(new NamespaceRef(ACCOUNT, "x"), "", null, 1))
        .hasMessageContaining("namespace not found");
    clock.advanceSeconds(10);
    store.sweepExpired(10);
    assertThat(rocks().openIteratorCount()).isZero();
  }

  @Test
  void openIterators_isPublishedAsDiagnosticAndGauge() {
    store.put(ns, entry("k", "v"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MeteredKvStore metered = new MeteredKvStore(store, registry);
    Gauge gauge = registry.get(MeteredKvStore.OPEN_ITERATORS).gauge();
    // an iterator that is still open shows in the store's count, the decorator's and the gauge
    try (org.rocksdb.ReadOptions options = new org.rocksdb.ReadOptions();
        TrackedIterator open = rocks().openDataIterator(options)) {
      open.seek(new byte[0]);
      assertThat(store.openIterators()).isOne();
      assertThat(metered.openIterators()).isOne();
      assertThat(gauge.value()).isEqualTo(1.0);
    }
    metered.list(ns, "", null, 10);
    assertThat(metered.openIterators()).isZero();
    assertThat(gauge.value()).isZero();
  }

  @Test
  void close_releasesEveryNativeHandle() {
    List<AbstractImmutableNativeReference> handles = rocks().handles().nativeHandles();
    assertThat(handles).allMatch(AbstractImmutableNativeReference::isOwningHandle);
    store.close();
    assertThat(handles).noneMatch(AbstractImmutableNativeReference::isOwningHandle);
  }

  @Test
  void close_closesLeftoverIterators() throws Exception {
    RocksHandles handles = rocks().handles();
    TrackedIterator.Registry registry = new TrackedIterator.Registry();
    try (org.rocksdb.ReadOptions options = new org.rocksdb.ReadOptions()) {
      TrackedIterator leaked = registry.open(handles.db, handles.data, options);
      assertThat(registry.size()).isOne();
      registry.closeAll();
      assertThat(registry.size()).isZero();
      assertThatThrownBy(leaked::isValid).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void open_pathIsAFile_failsNamingIt() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "not a directory");
    assertThatThrownBy(() -> RocksKvStores.open(file, StoreConfig.defaults(), clock))
        .isInstanceOf(StoreException.class)
        .hasMessage("Cannot open store in " + file.toAbsolutePath() + ": not a directory");
  }

  @Test
  void open_corruptCurrentFile_failsNamingDirectory() throws IOException {
    store.put(ns, entry("k", "v"));
    store.close();
    Path db = dir.resolve("db").toAbsolutePath();
    Files.writeString(db.resolve("CURRENT"), "MANIFEST-999999\n");
    assertThatThrownBy(() -> createStore(dir, clock))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("Cannot open store in " + db + ": ")
        .hasCauseInstanceOf(RocksDBException.class);
    store = new dev.flarekv.storage.memory.InMemoryKvStore(clock); // for @AfterEach
  }

  @Test
  void open_missingCurrentNextToData_refusesToStartFresh() throws IOException {
    store.put(ns, entry("k", "v"));
    rocks().flush();
    store.close();
    Path db = dir.resolve("db").toAbsolutePath();
    Files.delete(db.resolve("CURRENT"));
    assertThatThrownBy(() -> createStore(dir, clock))
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "Cannot open store in " + db + ": database files present but CURRENT is missing");
    store = new dev.flarekv.storage.memory.InMemoryKvStore(clock);
  }

  @Test
  void open_alreadyOpen_failsNamingDirectory() {
    Path db = dir.resolve("db").toAbsolutePath();
    assertThatThrownBy(() -> createStore(dir, clock))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("Cannot open store in " + db);
  }

  @Test
  void open_readOnlyDirectory_failsNamingIt() throws IOException {
    Assumptions.assumeFalse(
        "root".equals(System.getProperty("user.name")), "root ignores file permissions");
    Path readOnly = Files.createDirectory(dir.resolve("ro"));
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assertThatThrownBy(() -> RocksKvStores.open(readOnly, StoreConfig.defaults(), clock))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(readOnly.toAbsolutePath().toString());
    } finally {
      Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void errors_noSpaceIsFlagged() {
    RocksDBException subCode =
        new RocksDBException(
            "IO error: No space left on device",
            new Status(Status.Code.IOError, Status.SubCode.NoSpace, "No space left on device"));
    RocksDBException text =
        new RocksDBException(
            "IO error: ENOSPC",
            new Status(Status.Code.IOError, Status.SubCode.None, "ENOSPC while appending"));
    RocksDBException other =
        new RocksDBException(
            "Corruption: bad block", new Status(Status.Code.Corruption, Status.SubCode.None, "x"));
    StoreException wrapped = rocks().handles().wrap("writing", subCode);
    assertThat(wrapped.outOfSpace()).isTrue();
    assertThat(wrapped).hasMessageStartingWith("Error while writing in store ");
    assertThat(rocks().handles().wrap("writing", text).outOfSpace()).isTrue();
    assertThat(rocks().handles().wrap("writing", other).outOfSpace()).isFalse();
  }

  @Test
  void valueCodec_roundTripsAndDecodesHeaderOnly() {
    KvEntry withMetadata = new KvEntry("k", "value".getBytes(UTF_8), "\"\"", 1234);
    byte[] record = ValueCodec.encode(withMetadata);
    assertThat(record[0]).isEqualTo(ValueCodec.VERSION);
    assertThat(ValueCodec.expiration(record)).isEqualTo(1234);
    assertThat(ValueCodec.decode("k", record)).isEqualTo(withMetadata);
    assertThat(ValueCodec.decodeKeyInfo("k", record, 11)).isNull();
    assertThat(ValueCodec.decodeKeyInfo("k", record, record.length - 5))
        .isEqualTo(new KeyInfo("k", 1234, "\"\""));

    KvEntry bare = new KvEntry("k", new byte[0], null, 0);
    assertThat(ValueCodec.decode("k", ValueCodec.encode(bare))).isEqualTo(bare);
    String longMetadata = "\"" + "é".repeat(600) + "\"";
    KvEntry large = new KvEntry("k", new byte[] {1}, longMetadata, 7);
    assertThat(ValueCodec.decode("k", ValueCodec.encode(large))).isEqualTo(large);
    assertThatThrownBy(() -> ValueCodec.decode("k", new byte[] {9, 0, 0, 0, 0, 0, 0, 0, 0, 0}))
        .isInstanceOf(StoreException.class);
  }

  @Test
  void keyCodec_idsAndBounds() {
    byte[] id = new byte[KeyCodec.ID_BYTES];
    id[0] = 0x0f;
    id[15] = (byte) 0xe9;
    assertThat(KeyCodec.formatId(id)).isEqualTo("0f0000000000000000000000000000e9");
    byte[] key = KeyCodec.dataKey(id, "a😀");
    assertThat(key).hasSize(16 + 5);
    assertThat(KeyCodec.keyName(key)).isEqualTo("a😀");
    byte[] index = KeyCodec.expiryKey(1_700_000_000L, key);
    assertThat(KeyCodec.expiryKeyExpiration(index)).isEqualTo(1_700_000_000L);
    assertThat(KeyCodec.expiryKeyDataKey(index)).isEqualTo(key);
    byte[] end = KeyCodec.prefixEnd(KeyCodec.dataKey(id, "a"));
    assertThat(java.util.Arrays.compareUnsigned(key, end)).isNegative();
    assertThat(java.util.Arrays.compareUnsigned(KeyCodec.dataKey(id, "b"), end)).isPositive();
  }
}
