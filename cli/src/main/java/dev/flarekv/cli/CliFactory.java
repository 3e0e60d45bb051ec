package dev.flarekv.cli;

import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/**
 * Builds command objects for picocli with its default factory, and hands the {@link CliIo} to each
 * leaf command ({@link LeafCommand#io}), so no command needs a constructor of its own.
 */
final class CliFactory implements IFactory {
  private final CliIo io;

  CliFactory(CliIo io) {
    this.io = Objects.requireNonNull(io, "io");
  }

  @Override
  public <K> K create(Class<K> cls) throws Exception {
    K made = CommandLine.defaultFactory().create(cls);
    if (made instanceof LeafCommand leaf) {
      leaf.io = io;
    }
    return made;
  }
}
