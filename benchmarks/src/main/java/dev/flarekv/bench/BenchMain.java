package dev.flarekv.bench;

import dev.flarekv.bench.load.LoadCommand;
import dev.flarekv.bench.report.ReportCommand;
import dev.flarekv.bench.report.ScaleReportCommand;
import dev.flarekv.bench.scale.ScaleCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar benchmarks/target/flarekv-bench.jar <load|jmh|report> ...}: the HTTP load
 * generator, the JMH benchmarks of the storage engine, and the report writer of compare.sh.
 */
@Command(
    name = "flarekv-bench",
    mixinStandardHelpOptions = true,
    subcommands = {
      LoadCommand.class,
      ScaleCommand.class,
      JmhCommand.class,
      ReportCommand.class,
      ScaleReportCommand.class
    },
    description =
        "flarekv benchmarks: load (HTTP load generator), scale (scale curves), jmh (storage"
            + " engine), report and scale-report.")
public final class BenchMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("jmh")) {
      // JMH parses its own options (-l, -f, -wi, regexes, ...); picocli would reject them
      org.openjdk.jmh.Main.main(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
