package dev.flarekv.server.state.seed;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.server.api.BulkItem;
import java.util.ArrayList;
import java.util.List;

/**
 * One namespace of a seed file, checked: where it came from (for error messages), the namespace it
 * names, and its wrangler bulk items, kept as JSON so {@code expiration_ttl} is counted from the
 * server clock each time the seed is applied.
 *
 * @param source the seed file, as named to the user
 * @param index the namespace's index in the file's {@code namespaces} array
 * @param title the namespace title
 * @param id the namespace id to create it with, or null for a random one
 * @param account the account, or null for the server's default account
 * @param keysSource the file the items came from: {@code source}, or the {@code keys_file}
 * @param items the bulk items, each already checked once
 */
public record SeedNamespace(
    String source,
    int index,
    String title,
    String id,
    String account,
    String keysSource,
    List<JsonNode> items) {

  public SeedNamespace {
    items = List.copyOf(items);
  }

  /** How error messages name this namespace. */
  String where() {
    String ns = source + ": namespace " + index + " \"" + title + "\"";
    return keysSource.equals(source) ? ns : keysSource + " (keys_file of " + ns + ")";
  }

  /**
   * The entries the items write at {@code now}, checked by the rules of a bulk write.
   *
   * @throws KvException 400 naming the file, the item index and the rule
   */
  List<KvEntry> entries(long now) {
    List<KvEntry> entries = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      try {
        entries.add(BulkItem.entry(items.get(i), now));
      } catch (KvException e) {
        throw ErrorCode.INVALID_REQUEST.exception(
            "Bad seed: " + where() + ": item " + i + ": " + e.getMessage());
      }
    }
    return entries;
  }
}
