package dev.flarekv.bench.jmh;

import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.Namespace;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code KvStore.forkNamespace} on RocksDB: one fork of a namespace of {@code keys} keys with
 * 100-byte values (no metadata, no expiration) into a new namespace. Each fork is deleted after its
 * invocation, outside the measured time, so the account never reaches its namespace limit.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ForkBenchmark extends TempStoreBenchmark {
  @Param({"10000"})
  public int keys;

  private int round;
  private Namespace last;

  @Setup(Level.Trial)
  public void fill() {
    store.fill(0, keys, TempStore.value(100), KvEntry.NO_EXPIRATION);
  }

  @Benchmark
  public Namespace fork() {
    last = store.store.forkNamespace(store.ref, "fork-" + round++);
    return last;
  }

  @TearDown(Level.Invocation)
  public void deleteFork() {
    if (last != null) {
      store.store.deleteNamespace(last.ref());
      last = null;
    }
  }
}
