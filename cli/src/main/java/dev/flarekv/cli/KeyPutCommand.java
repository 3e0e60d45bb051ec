package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.json.KvJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code kv key put <key> [value] | --path <file>}: writes one value, raw bytes from a file or the
 * UTF-8 of the argument, with optional {@code --ttl}, {@code --expiration} and {@code --metadata}.
 */
@Command(
    name = "put",
    mixinStandardHelpOptions = true,
    description = "Write a single key/value pair to the given namespace.")
final class KeyPutCommand extends LeafCommand {
  @Parameters(index = "0", paramLabel = "<key>", description = "The key to write to.")
  String key;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "<value>",
      description = "The value to write (UTF-8).")
  String value;

  @Option(
      names = "--path",
      paramLabel = "<file>",
      description = "Read the value from the file at a given path (any bytes).")
  Path path;

  @Mixin NamespaceOptions namespace;

  @Option(
      names = "--ttl",
      paramLabel = "<seconds>",
      description = "Time for which the entries should be visible, in seconds (at least 60).")
  Long ttl;

  @Option(
      names = "--expiration",
      paramLabel = "<epoch-seconds>",
      description = "Time since the UNIX epoch after which the entry expires, in seconds.")
  Long expiration;

  @Option(
      names = "--metadata",
      paramLabel = "<json>",
      description = "Arbitrary JSON object that is associated with a key.")
  String metadata;

  @Override
  void run() throws IOException {
    if (value == null && path == null) {
      throw new ParameterException(
          spec.commandLine(), "Exactly one of the arguments value and path is required");
    }
    if (value != null && path != null) {
      throw new ParameterException(
          spec.commandLine(), "Arguments value and path are mutually exclusive");
    }
    String metadataJson = metadata == null ? null : metadataObject(metadata);
    NamespaceOptions.Target target = target(namespace, false);
    byte[] bytes =
        path != null
            ? Files.readAllBytes(io.cwd().resolve(path))
            : value.getBytes(StandardCharsets.UTF_8);
    String metadataLog = metadataJson == null ? "" : " with metadata \"" + metadataJson + "\"";
    var client = client();
    if (path != null) {
      out()
          .println(
              "Writing the contents of "
                  + path
                  + " to the key \""
                  + key
                  + "\" on namespace "
                  + target.displayName()
                  + metadataLog
                  + ".");
    } else {
      out()
          .println(
              "Writing the value \""
                  + value
                  + "\" to key \""
                  + key
                  + "\" on namespace "
                  + target.displayName()
                  + metadataLog
                  + ".");
    }
    // like wrangler, 0 means "not given"
    client.putValue(
        target.id(),
        key,
        bytes,
        metadataJson,
        expiration == null || expiration == 0 ? null : expiration,
        ttl == null || ttl == 0 ? null : ttl);
  }

  /**
   * The compact JSON text of {@code --metadata}, which must be a JSON object (wrangler's check and
   * messages; the API itself would take any JSON).
   */
  static String metadataObject(String raw) {
    JsonNode node;
    try {
      node = KvJson.mapper().readTree(raw);
    } catch (IOException e) {
      node = null;
    }
    if (node == null || node.isMissingNode()) {
      throw new UserError("--metadata must be valid JSON. Received: " + raw);
    }
    if (!node.isObject()) {
      throw new UserError("--metadata must be a JSON object. Received: " + raw);
    }
    return KvJson.compact(node);
  }
}
