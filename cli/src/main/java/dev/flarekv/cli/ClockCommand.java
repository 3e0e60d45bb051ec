package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.json.KvJson;
import java.io.PrintWriter;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flarekv clock}: shows the server's emulated time ({@code GET /flarekv/v1/clock}); its
 * subcommands move it ({@code POST}): {@code advance 1h30m}, {@code set 2030-01-01T00:00:00Z},
 * {@code freeze}, {@code resume}. Each prints the clock's state afterwards (docs/modes.md,
 * "Emulated time").
 */
@Command(
    name = "clock",
    mixinStandardHelpOptions = true,
    description = {
      "Show the server's emulated time: now (ISO-8601 UTC and epoch seconds) and whether it is"
          + " frozen. Move it with the subcommands; every expiry, TTL and window of the server"
          + " follows it (see docs/modes.md)."
    },
    subcommands = {
      ClockCommand.Advance.class,
      ClockCommand.Set.class,
      ClockCommand.Freeze.class,
      ClockCommand.Resume.class
    })
final class ClockCommand extends LeafCommand {
  static final String PATH = "clock";

  @Option(names = "--json", description = "Print the server's answer as JSON.")
  boolean json;

  @Override
  void run() {
    print(controls().get(PATH), json, out());
  }

  /**
   * Prints a clock state: {@code now: <ISO> (<epoch>)}, {@code frozen: yes|no}, and how far a
   * ticking clock has been moved from the server's wall clock.
   */
  static void print(JsonNode state, boolean json, PrintWriter out) {
    if (json) {
      out.println(state.toString());
      return;
    }
    long now = state.path("now").longValue();
    out.println("now:    " + Instant.ofEpochSecond(now) + " (" + now + ")");
    out.println("frozen: " + (state.path("frozen").booleanValue() ? "yes" : "no"));
    long offset = state.path("offset_seconds").longValue();
    if (offset != 0
        && !state.path("frozen").booleanValue()) { // a frozen clock's offset changes every second
      out.println(
          "offset: " + (offset > 0 ? "+" : "") + offset + " s from the server's wall clock");
    }
  }

  /** One POST to the clock, then the new state. */
  abstract static class Change extends LeafCommand {
    @Option(names = "--json", description = "Print the server's answer as JSON.")
    boolean json;

    abstract void body(ObjectNode body);

    @Override
    final void run() {
      ObjectNode body = KvJson.mapper().createObjectNode();
      body(body);
      print(controls().post(PATH, body), json, out());
    }
  }

  @Command(
      name = "advance",
      mixinStandardHelpOptions = true,
      description = {
        "Move the clock forward, frozen or not: 90s, 15m, 1h30m, 2d, ISO-8601 PT1H, or seconds."
      })
  static final class Advance extends Change {
    @Parameters(paramLabel = "<duration>", description = "How far: 90s, 15m, 1h30m, 2d, PT1H.")
    String duration;

    @Override
    void body(ObjectNode body) {
      body.put("advance", ClockArguments.durationSeconds(duration));
    }
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = {
        "Move the clock to a time that is not in the past: an ISO-8601 instant"
            + " (2030-01-01T00:00:00Z), a date (00:00 UTC) or epoch seconds."
      })
  static final class Set extends Change {
    @Parameters(paramLabel = "<time>", description = "2030-01-01T00:00:00Z, 2030-01-01, 1893456000")
    String time;

    @Override
    void body(ObjectNode body) {
      body.put("set", ClockArguments.instantSeconds(time));
    }
  }

  @Command(
      name = "freeze",
      mixinStandardHelpOptions = true,
      description = "Stop the clock where it stands (until `flarekv clock resume`).")
  static final class Freeze extends Change {

    @Override
    void body(ObjectNode body) {
      body.put("frozen", true);
    }
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Let a frozen clock tick again, from where it stands.")
  static final class Resume extends Change {

    @Override
    void body(ObjectNode body) {
      body.put("frozen", false);
    }
  }
}
