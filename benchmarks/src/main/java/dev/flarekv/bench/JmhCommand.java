package dev.flarekv.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code flarekv-bench jmh [JMH options]}: runs the JMH benchmarks bundled in this jar with JMH's
 * own command line ({@code -h} lists it, {@code -l} lists the benchmarks, a regex selects some).
 * The annotations keep each run short: 1 fork, 2 warm-up and 3 measurement iterations of 1 s.
 */
@Command(
    name = "jmh",
    description = {
      "Runs the JMH benchmarks of the storage engine and value codec.",
      "All arguments go to JMH: e.g. 'jmh -l', 'jmh StoreBenchmark.get', 'jmh -rf json'."
    })
public final class JmhCommand implements Callable<Integer> {
  @Parameters(
      arity = "0..*",
      paramLabel = "JMH-ARG",
      description = "passed to org.openjdk.jmh.Main")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    org.openjdk.jmh.Main.main(args.toArray(String[]::new));
    return 0;
  }
}
