package dev.flarekv.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * What {@code bulk get} and {@code bulk delete} share: a file of key names ({@link BulkKeys}) and
 * the namespace the keys are in.
 */
abstract class BulkKeysCommand extends LeafCommand {
  @Parameters(
      index = "0",
      paramLabel = "<filename>",
      description = "The file containing the keys to ${COMMAND-NAME}.")
  Path filename;

  @Mixin NamespaceOptions namespace;

  private final boolean previewDefaultsFalse;

  /**
   * @param previewDefaultsFalse whether an absent {@code --preview} means the production id (see
   *     {@link NamespaceOptions#resolve})
   */
  BulkKeysCommand(boolean previewDefaultsFalse) {
    this.previewDefaultsFalse = previewDefaultsFalse;
  }

  @Override
  final void run() throws IOException {
    run(target(namespace, previewDefaultsFalse), BulkKeys.open(io, filename));
  }

  /** Acts on the keys of {@code keys}, which are not checked yet, in {@code target}. */
  abstract void run(NamespaceOptions.Target target, BulkKeys keys) throws IOException;
}
