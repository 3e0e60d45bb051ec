package dev.flarekv.storage.rocks;

import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.KvEntry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The record codec of the RocksDB engine ({@code ValueCodec} is package-private, so this benchmark
 * lives in its package, in the benchmarks module's sources): encode, full decode, and the
 * header-only decode that list uses.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ValueCodecBenchmark {
  @Param({"100", "1048576"})
  public int valueSize;

  private KvEntry entry;
  private byte[] record;

  @Setup
  public void setUp() {
    byte[] value = new byte[valueSize];
    for (int i = 0; i < valueSize; i++) {
      value[i] = (byte) ('a' + i % 26);
    }
    entry = new KvEntry("session/0001234", value, "{\"owner\":\"bench\",\"n\":1}", 2_000_000_000L);
    record = ValueCodec.encode(entry);
  }

  @Benchmark
  public byte[] encode() {
    return ValueCodec.encode(entry);
  }

  @Benchmark
  public KvEntry decode() {
    return ValueCodec.decode("session/0001234", record);
  }

  @Benchmark
  public KeyInfo decodeKeyInfo() {
    return ValueCodec.decodeKeyInfo(
        "session/0001234", record, Math.min(record.length, ValueCodec.HEADER_BUFFER_BYTES));
  }

  @Benchmark
  public long expiration() {
    return ValueCodec.expiration(record);
  }
}
