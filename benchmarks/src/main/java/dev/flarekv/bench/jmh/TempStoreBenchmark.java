package dev.flarekv.bench.jmh;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every storage benchmark shares: one fork with a 1 GiB heap, two warm-up and three measured
 * iterations of one second (a single-shot benchmark ignores the time and runs one invocation each),
 * and a {@link TempStore} opened when JMH creates the state for a trial and closed and deleted
 * after it, so a subclass's own setup finds it open.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public abstract class TempStoreBenchmark {
  final TempStore store = new TempStore();

  @TearDown(Level.Trial)
  public void closeStore() {
    store.close();
  }
}
