package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flarekv usage}: today's counts of the Free plan's quotas per account ({@code GET
 * /flarekv/v1/usage}), as a table or as JSON.
 */
@Command(
    name = "usage",
    mixinStandardHelpOptions = true,
    description = {
      "Show today's reads, writes, deletes, lists and stored bytes per account against the Free"
          + " plan's quotas, and when the day's counts reset (00:00 UTC of the server's clock)."
          + " Needs a server started with `flarekv serve --limits free` (see docs/modes.md)."
    })
final class UsageCommand extends LeafCommand {
  private static final String[] QUOTAS = {"reads", "writes", "deletes", "lists", "stored_bytes"};

  @Option(names = "--json", description = "Print the server's answer as JSON.")
  boolean json;

  @Option(
      names = "--account",
      paramLabel = "ID",
      description = "Show this account (even if nothing was counted for it yet).")
  String account;

  @Override
  void run() {
    String path =
        account == null
            ? "usage"
            : "usage?account=" + URLEncoder.encode(account, StandardCharsets.UTF_8);
    JsonNode usage = controls().get(path);
    PrintWriter out = out();
    if (json) {
      out.println(usage.toString());
      return;
    }
    out.println(
        "day "
            + usage.path("day").asText()
            + " (UTC), counts reset at "
            + usage.path("resets_at_utc").asText());
    if (usage.path("accounts").isEmpty()) {
      out.println("nothing counted yet (name an account with --account)");
      return;
    }
    int width = 20; // an account id is 32 characters: the column widens to fit
    for (JsonNode a : usage.path("accounts")) {
      width = Math.max(width, a.path("account").asText().length());
    }
    String row = "%-" + width + "s %-13s %14s %14s";
    out.println(String.format(row, "ACCOUNT", "QUOTA", "USED", "LIMIT"));
    for (JsonNode a : usage.path("accounts")) {
      for (String quota : QUOTAS) {
        JsonNode q = a.path(quota);
        out.println(
            String.format(
                row,
                a.path("account").asText(),
                quota,
                q.path("used").asLong(),
                q.path("limit").asLong()));
      }
    }
  }
}
