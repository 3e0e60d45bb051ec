package dev.flarekv.server.state.seed;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.validation.KvValidator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads one seed file (docs/state.md, "Seed files"): {@code {"namespaces": [{"title", "id"?,
 * "account"?, "keys": [...] | "keys_file": "path"}]}}. Every item is checked by the rules of a bulk
 * write before anything is written; errors name the file, the namespace, the item index and the
 * rule.
 */
public final class SeedParser {
  private static final List<String> TOP_FIELDS = List.of("namespaces");
  private static final List<String> NAMESPACE_FIELDS =
      List.of("title", "id", "account", "keys", "keys_file");

  /** Where a {@code keys_file} is read from: the disk next to the seed file, or a request body. */
  @FunctionalInterface
  public interface KeysFiles {
    /**
     * The file's JSON and how to name it.
     *
     * @throws KvException 400 when it cannot be read or is not JSON
     */
    KeysFile read(String keysFile);
  }

  /**
   * A keys file's content.
   *
   * @param name how error messages name it
   * @param json its content (a wrangler bulk array when correct)
   */
  public record KeysFile(String name, JsonNode json) {}

  private SeedParser() {}

  /**
   * The namespaces of a seed file.
   *
   * @param source how to name the file in errors
   * @param doc its JSON
   * @param now the server clock's time in milliseconds, for checking expirations
   * @throws KvException 400 naming the file and what is wrong
   */
  public static List<SeedNamespace> parse(
      String source, JsonNode doc, KeysFiles keysFiles, long now) {
    if (doc == null || !doc.isObject() || !doc.path("namespaces").isArray()) {
      throw bad(source + ": a seed file must be a JSON object {\"namespaces\": [...]}");
    }
    unknownFields(source, doc, TOP_FIELDS);
    List<SeedNamespace> out = new ArrayList<>();
    JsonNode namespaces = doc.get("namespaces");
    for (int i = 0; i < namespaces.size(); i++) {
      SeedNamespace ns = namespace(source, i, namespaces.get(i), keysFiles);
      ns.entries(now); // checks every item now, so a bad seed changes nothing
      out.add(ns);
    }
    return out;
  }

  private static SeedNamespace namespace(
      String source, int index, JsonNode node, KeysFiles keysFiles) {
    String where = source + ": namespace " + index;
    if (!node.isObject()) {
      throw bad(where + ": must be an object with a title");
    }
    unknownFields(where, node, NAMESPACE_FIELDS);
    JsonNode titleNode = node.get("title");
    if (titleNode == null || !titleNode.isTextual()) {
      throw bad(where + ": title must be a string");
    }
    String title = titleNode.asText();
    where = where + " \"" + title + "\"";
    try {
      KvValidator.namespaceTitle(title);
    } catch (KvException e) {
      throw bad(where + ": title: " + e.getMessage());
    }
    String id = optionalText(where, node, "id");
    if (id != null && !KvValidator.isValidNamespaceId(id)) {
      throw bad(where + ": id must be 32 lowercase hex characters, got \"" + id + "\"");
    }
    String account = optionalText(where, node, "account");
    if (account != null && !KvValidator.isValidAccountId(account)) {
      throw bad(where + ": account must be 1 to 64 characters of [A-Za-z0-9_-]");
    }
    JsonNode keys = node.get("keys");
    String keysFile = optionalText(where, node, "keys_file");
    if (keys != null && keysFile != null) {
      throw bad(where + ": give keys or keys_file, not both");
    }
    String keysSource = source;
    if (keysFile != null) {
      KeysFile file = keysFiles.read(keysFile);
      keysSource = file.name();
      keys = file.json();
      if (!keys.isArray()) {
        throw bad(
            keysSource
                + " (keys_file of "
                + where
                + "): must be a JSON array of wrangler bulk items");
      }
    } else if (keys != null && !keys.isArray()) {
      throw bad(where + ": keys must be an array of wrangler bulk items");
    }
    List<JsonNode> items = new ArrayList<>();
    if (keys != null) {
      keys.forEach(items::add);
    }
    return new SeedNamespace(source, index, title, id, account, keysSource, items);
  }

  private static String optionalText(String where, JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw bad(where + ": " + field + " must be a string");
    }
    return value.asText();
  }

  private static void unknownFields(String where, JsonNode node, List<String> known) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!known.contains(field)) {
        throw bad(
            where + ": unknown field \"" + field + "\" (known: " + String.join(", ", known) + ")");
      }
    }
  }

  static KvException bad(String message) {
    return ErrorCode.INVALID_REQUEST.exception("Bad seed: " + message);
  }
}
