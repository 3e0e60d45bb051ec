package dev.flarekv.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kv key get <key> [--text]}: the value's raw bytes on stdout with nothing added; {@code
 * --text} decodes UTF-8 and ends with a newline, as wrangler does.
 */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = "Read a single value by key from the given namespace.")
final class KeyGetCommand extends LeafCommand {
  @Parameters(index = "0", paramLabel = "<key>", description = "The key value to get.")
  String key;

  @Option(names = "--text", description = "Decode the returned value as a utf8 string.")
  boolean text;

  @Mixin NamespaceOptions namespace;

  @Override
  void run() throws IOException {
    NamespaceOptions.Target target = target(namespace, true);
    byte[] value =
        client()
            .getValue(target.id(), key)
            .orElseThrow(
                () ->
                    new UserError(
                        "Value not found for key \""
                            + key
                            + "\" on namespace "
                            + target.displayName()
                            + "."));
    if (text) {
      // StringDecoder semantics: malformed bytes become U+FFFD
      out().println(StandardCharsets.UTF_8.decode(ByteBuffer.wrap(value)));
    } else {
      out().flush();
      io.stdout().write(value);
      io.stdout().flush();
    }
  }
}
