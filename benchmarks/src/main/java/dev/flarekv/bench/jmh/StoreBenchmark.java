package dev.flarekv.bench.jmh;

import dev.flarekv.protocol.model.KeyPage;
import dev.flarekv.protocol.model.KvEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The RocksDB engine through the public {@code KvStore} API, on a temporary directory: point get,
 * put, one list page, a bulk write of 1,000 pairs. Average time per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StoreBenchmark extends TempStoreBenchmark {
  @Param({"100000"})
  public int keys;

  @Param({"100"})
  public int valueSize;

  private byte[] value;
  private List<KvEntry> bulk;

  @Setup(Level.Trial)
  public void setUp() {
    value = TempStore.value(valueSize);
    store.fill(0, keys, value, 0);
    bulk = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      bulk.add(new KvEntry(TempStore.key(keys + i), value, null, 0));
    }
  }

  @Benchmark
  public Optional<KvEntry> get() {
    return store.store.get(store.ref, TempStore.key(ThreadLocalRandom.current().nextInt(keys)));
  }

  @Benchmark
  public void put() {
    String key = TempStore.key(ThreadLocalRandom.current().nextInt(keys));
    store.store.put(store.ref, new KvEntry(key, value, null, 0));
  }

  /** A page of 100 keys starting after a random key (what a cursor continues from). */
  @Benchmark
  public KeyPage listPage() {
    String after = TempStore.key(ThreadLocalRandom.current().nextInt(Math.max(1, keys - 200)));
    return store.store.list(store.ref, "", after, 100);
  }

  /** One atomic bulk write of 1,000 pairs (the same keys each time). */
  @Benchmark
  public void bulkWrite1000() {
    store.store.putAll(store.ref, bulk);
  }
}
