package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/**
 * {@code flarekv import <file>}: {@code kv bulk put} for a file written by {@code flarekv export}
 * (or any bulk-put file), except that items whose absolute {@code expiration} is less than {@value
 * ExportCommand#MIN_REMAINING_SECONDS} s ahead are skipped and counted instead of failing their
 * batch: a file exported a while ago may hold keys that have expired since; and metadata may be any
 * JSON value, not only an object.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Write a `wrangler kv bulk put` JSON file (e.g. from flarekv export) into a namespace,"
          + " 1,000 pairs per request.",
      "Items whose expiration is less than 60 s ahead are skipped and counted."
    })
final class ImportCommand extends BulkPutCommand {
  private long skipped;
  private long minExpiration;

  /**
   * Unlike {@code kv bulk put} (which checks as wrangler does), metadata may be any JSON value:
   * {@code flarekv export} writes a key's metadata as stored, and a Worker may have stored a bare
   * string or number.
   */
  @Override
  boolean acceptsItem(JsonNode item) {
    return isKeyValue(item, true);
  }

  @Override
  String metadataShape() {
    return "any JSON";
  }

  @Override
  boolean skip(JsonNode item) {
    if (minExpiration == 0) {
      // the server judges expirations by its own (possibly emulated) clock
      minExpiration =
          ExportCommand.serverNowSeconds(controls()) + ExportCommand.MIN_REMAINING_SECONDS;
    }
    JsonNode expiration = item.path("expiration");
    if (expiration.isNumber()
        && !item.has("expiration_ttl")
        && expiration.asDouble() < minExpiration) {
      skipped++;
      return true;
    }
    return false;
  }

  @Override
  void finished(NamespaceOptions.Target target, long sent) {
    out()
        .println(
            "Imported "
                + sent
                + " key(s) into "
                + target.displayName()
                + " (skipped "
                + skipped
                + " expiring within "
                + ExportCommand.MIN_REMAINING_SECONDS
                + " s)");
  }
}
