package dev.flarekv.bench.jmh;

import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.StoreConfig;
import dev.flarekv.storage.rocks.RocksKvStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** A RocksDB store in a temporary directory with a clock the benchmark can move. */
final class TempStore implements AutoCloseable {
  static final String ACCOUNT = "f1a2e4b0000000000000000000000001";

  final Path dir;
  final KvStore store;
  final NamespaceRef ref;
  final AtomicLong nowMillis = new AtomicLong(System.currentTimeMillis());

  TempStore() {
    try {
      dir = Files.createTempDirectory("flarekv-jmh-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    InstantSource clock =
        new InstantSource() {
          @Override
          public Instant instant() {
            return Instant.ofEpochMilli(nowMillis.get());
          }

          @Override
          public long millis() {
            return nowMillis.get();
          }
        };
    store = RocksKvStores.open(dir, StoreConfig.defaults(), clock);
    ref = store.createNamespace(ACCOUNT, "jmh").ref();
  }

  static String key(int i) {
    return String.format("k%07d", i);
  }

  static byte[] value(int size) {
    byte[] v = new byte[size];
    for (int i = 0; i < size; i++) {
      v[i] = (byte) ('a' + i % 26);
    }
    return v;
  }

  /** Writes keys {@code from..to-1} in atomic batches of 10,000. */
  void fill(int from, int to, byte[] value, long expirationSeconds) {
    List<KvEntry> batch = new ArrayList<>();
    for (int i = from; i < to; i++) {
      batch.add(new KvEntry(key(i), value, null, expirationSeconds));
      if (batch.size() == 10_000) {
        store.putAll(ref, batch);
        batch = new ArrayList<>();
      }
    }
    if (!batch.isEmpty()) {
      store.putAll(ref, batch);
    }
  }

  @Override
  public void close() {
    store.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
