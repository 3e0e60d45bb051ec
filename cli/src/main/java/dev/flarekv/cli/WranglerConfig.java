package dev.flarekv.cli;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The parts of a wrangler configuration file the {@code kv} commands use: {@code account_id} and
 * the {@code kv_namespaces} bindings. Read from {@code wrangler.json}, {@code wrangler.jsonc} or
 * {@code wrangler.toml} (wrangler's order) in the working directory or the nearest parent that has
 * one, or from the file {@code -c/--config} names.
 *
 * @param path the file it came from
 * @param accountId the top-level {@code account_id}, or null
 * @param kvNamespaces the top-level {@code kv_namespaces} entries, in file order
 */
record WranglerConfig(Path path, String accountId, List<KvBinding> kvNamespaces) {
  static final List<String> FILE_NAMES =
      List.of("wrangler.json", "wrangler.jsonc", "wrangler.toml");

  /** JSON with comments and trailing commas, as wrangler accepts in {@code wrangler.jsonc}. */
  private static final ObjectMapper JSONC =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
          .build();

  private static final ObjectMapper TOML = TomlMapper.builder().build();

  WranglerConfig {
    kvNamespaces = List.copyOf(kvNamespaces);
  }

  /**
   * One {@code [[kv_namespaces]]} entry.
   *
   * @param binding the binding name
   * @param id the production namespace id, or null
   * @param previewId the preview namespace id, or null
   */
  record KvBinding(String binding, String id, String previewId) {}

  /**
   * The configuration for a command run in {@code cwd}.
   *
   * @param explicit the {@code -c/--config} value (relative to {@code cwd}), or null to search
   * @return empty when no file was named and none was found
   * @throws UserError when the named file is missing or a file cannot be parsed
   */
  static Optional<WranglerConfig> find(Path cwd, String explicit) {
    if (explicit != null) {
      Path file = cwd.resolve(explicit);
      if (!Files.isRegularFile(file)) {
        throw new UserError("config file not found: " + file);
      }
      return Optional.of(read(file));
    }
    for (Path dir = cwd; dir != null; dir = dir.getParent()) {
      for (String name : FILE_NAMES) {
        Path file = dir.resolve(name);
        if (Files.isRegularFile(file)) {
          return Optional.of(read(file));
        }
      }
    }
    return Optional.empty();
  }

  /** Parses one file; TOML when its name ends in {@code .toml}, JSON with comments otherwise. */
  static WranglerConfig read(Path file) {
    boolean toml = isToml(file);
    JsonNode root;
    try {
      root = (toml ? TOML : JSONC).readTree(file.toFile());
    } catch (IOException e) {
      throw new UserError(
          "cannot parse "
              + file
              + ": "
              + KvExitCodes.oneLine(String.valueOf(e.getMessage()).split("\n", 2)[0]));
    }
    if (root == null || !root.isObject()) {
      throw new UserError("cannot parse " + file + ": the top level must be an object");
    }
    List<KvBinding> bindings = new ArrayList<>();
    for (JsonNode item : root.path("kv_namespaces")) {
      bindings.add(
          new KvBinding(text(item, "binding"), text(item, "id"), text(item, "preview_id")));
    }
    return new WranglerConfig(file, text(root, "account_id"), bindings);
  }

  /** Whether snippets for this file are written in TOML. */
  static boolean isToml(Path file) {
    return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".toml");
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isTextual() && !v.textValue().isEmpty() ? v.textValue() : null;
  }
}
