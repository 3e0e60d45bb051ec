package dev.flarekv.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The expiry sweeper: before each iteration {@code expired} keys are written with an expiration
 * that the moved clock has then passed; one invocation sweeps them all in batches of 10,000 (as the
 * server's sweeper does). Single-shot time per full sweep.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SweepBenchmark extends TempStoreBenchmark {
  @Param({"100000"})
  public int expired;

  private int round;

  @Setup(Level.Iteration)
  public void writeExpiring() {
    long now = store.nowMillis.get();
    long expiration = now / 1000 + 120;
    int base = round++ * expired;
    store.fill(base, base + expired, TempStore.value(100), expiration);
    store.nowMillis.set((expiration + 1) * 1000); // every key written above is now expired
  }

  @Benchmark
  public int sweepAll() {
    int total = 0;
    int n;
    while ((n = store.store.sweepExpired(10_000)) > 0) {
      total += n;
    }
    if (total != expired) {
      throw new IllegalStateException("swept " + total + " of " + expired);
    }
    return total;
  }
}
