package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.flarekv.protocol.client.KvClient;
import java.util.Optional;

/** Finds a namespace id by title the way wrangler does: title-ordered pages of 100. */
final class NamespaceLookup {
  static final int PAGE_SIZE = 100;

  private NamespaceLookup() {}

  /**
   * As {@link #idByTitle}, or a {@link UserError} saying no namespace has that title; {@code
   * instead} names the alternatives, e.g. {@code "Use --namespace-id instead or"}.
   */
  static String requireIdByTitle(KvClient client, String title, String instead) {
    return idByTitle(client, title)
        .orElseThrow(
            () ->
                new UserError(
                    "No namespace found with the name \""
                        + title
                        + "\". "
                        + instead
                        + " check available namespaces with \"flarekv kv namespace list\"."));
  }

  static Optional<String> idByTitle(KvClient client, String title) {
    for (int page = 1; ; page++) {
      ArrayNode items = client.listNamespacesRaw(page, PAGE_SIZE, "title", "asc");
      for (JsonNode item : items) {
        if (title.equals(item.path("title").asText(null))) {
          return Optional.of(item.path("id").asText());
        }
      }
      if (items.size() < PAGE_SIZE) {
        return Optional.empty();
      }
    }
  }
}
