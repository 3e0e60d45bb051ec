package dev.flarekv.app;

import dev.flarekv.server.modes.Modes;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code flarekv serve}'s production-realism flags (docs/modes.md): each mode is off by default,
 * and each is steered at run time by its control under {@code /flarekv/v1/}.
 */
final class ModesOptions {
  @Option(
      names = "--clock",
      paramLabel = "system|manual",
      defaultValue = "system",
      converter = LowerCaseEnum.ClockMode.class,
      description =
          "system: the wall clock (it can still be moved with `flarekv clock`, as an offset);"
              + " manual: frozen at the start time until advanced, set or resumed. Default:"
              + " ${DEFAULT-VALUE}.")
  Modes.Clock clock;

  @Option(
      names = "--limits",
      paramLabel = "off|free|paid",
      defaultValue = "off",
      converter = LowerCaseEnum.LimitsMode.class,
      description =
          "Cloudflare's limits beyond sizes and TTLs: paid enforces 1 write per second per key"
              + " and 1,200 REST requests per 5 minutes per token; free adds the daily quotas per"
              + " account (100,000 reads, 1,000 writes, deletes and lists, 1 GB stored). Default:"
              + " ${DEFAULT-VALUE}.")
  Modes.Limits limits;

  @Option(
      names = "--consistency",
      paramLabel = "strong|eventual",
      defaultValue = "strong",
      converter = LowerCaseEnum.ConsistencyMode.class,
      description =
          "eventual: binding reads come from per-location edge caches (X-Flarekv-Location), so"
              + " other locations see a write after up to 60 s, as on Cloudflare. Default:"
              + " ${DEFAULT-VALUE}.")
  Modes.Consistency consistency;

  @Option(
      names = "--random-seed",
      paramLabel = "<n>",
      description =
          "Seed of every random choice the modes make (propagation delays, which requests a"
              + " fault rule fails), so a run repeats exactly. Default: a random seed.")
  Long randomSeed;

  @Option(
      names = "--faults",
      paramLabel = "<file>",
      description = "A JSON file of fault rules to load at start (docs/modes.md).")
  Path faultsFile;

  /** The modes these flags name. */
  Modes toModes() {
    Modes modes =
        Modes.OFF
            .withClock(clock)
            .withLimits(limits)
            .withConsistency(consistency)
            .withFaultsFile(faultsFile);
    return randomSeed == null ? modes : modes.withRandomSeed(randomSeed);
  }
}
