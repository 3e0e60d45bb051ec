package dev.flarekv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.bench.load.LoadCommand;
import dev.flarekv.bench.scale.ScaleCommand;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command lines of {@code load} and {@code scale}, option by option with their defaults, as
 * benchmarks/README.md and the scripts use them: options assembled from mixins (the target, the
 * parts of scale) must add up to the same set.
 */
class BenchOptionsTest {

  private static List<String> options(Object command) {
    return new CommandLine(command)
        .getCommandSpec().options().stream()
            .map(
                o ->
                    String.join(",", o.names())
                        + " = "
                        + (o.longestName().equals("--token") ? "(env)" : defaultOf(o)))
            .sorted()
            .toList();
  }

  private static String defaultOf(OptionSpec o) {
    return String.valueOf(o.defaultValue());
  }

  @Test
  void load_hasItsOptionsAndDefaults() {
    assertThat(options(new LoadCommand()))
        .containsExactly(
            "--account-id = f1a2e4b0000000000000000000000001",
            "--binding-address = 127.0.0.1:8791",
            "--json = null",
            "--keys = 10000",
            "--label = null",
            "--list-keys = 1000000",
            "--namespace-id = null",
            "--no-preload = null",
            "--progress = auto",
            "--threads = 0",
            "--timeout = 10s",
            "--token = (env)",
            "--tsv = null",
            "--ttl = 3600",
            "--url = http://127.0.0.1:8790/client/v4",
            "--value-size = 100",
            "--warmup = 5s",
            "-V,--version = null",
            "-c,--connections = 16",
            "-d,--duration = 10s",
            "-h,--help = null",
            "-r,--rate = 0",
            "-s,--surface = rest",
            "-w,--workload = read");
  }

  @Test
  void scale_hasItsOptionsAndDefaults() {
    assertThat(options(new ScaleCommand()))
        .containsExactly(
            "--account-id = f1a2e4b0000000000000000000000001",
            "--assumed-preload-rate = 20000",
            "--baseline = 30s",
            "--big-connections = 3",
            "--big-duration = 30s",
            "--big-keys = 4",
            "--big-value-size = 26214400",
            "--binding-address = 127.0.0.1:8791",
            "--expiring-keys = 1000000",
            "--expiry-margin = 5",
            "--hot-keys = 10000",
            "--json = null",
            "--json-out = null",
            "--large-connections = 4",
            "--large-duration = 30s",
            "--list-connections = 4",
            "--list-duration = 20s",
            "--list-sizes = 1000,100000,1000000",
            "--parts = list,sweep,rss",
            "--read-connections = 16",
            "--read-rate = 5000",
            "--sample-interval = 500ms",
            "--server-cores = 0",
            "--server-max-direct = null",
            "--server-pid = null",
            "--server-xmx = null",
            "--sweep-timeout = 5m",
            "--timeout = 10s",
            "--token = (env)",
            "--url = http://127.0.0.1:8790/client/v4",
            "--value-size = 100",
            "--warmup = 5s",
            "-V,--version = null",
            "-h,--help = null",
            "-s,--surface = binding");
  }
}
