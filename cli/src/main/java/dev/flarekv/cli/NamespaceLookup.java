package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.flarekv.protocol.client.KvClient;
import java.util.Optional;

/** Finds a namespace id by title the way wrangler does: title-ordered pages of 100. */
final class NamespaceLookup {
  static final int PAGE_SIZE = 100;

  private NamespaceLookup() {}

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
