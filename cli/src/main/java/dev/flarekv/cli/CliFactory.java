package dev.flarekv.cli;

import java.lang.reflect.Constructor;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/**
 * Builds command objects for picocli, handing the {@link CliIo} to every class that has a
 * constructor taking one (the leaf commands); everything else goes to picocli's default factory.
 */
final class CliFactory implements IFactory {
  private final CliIo io;

  CliFactory(CliIo io) {
    this.io = Objects.requireNonNull(io, "io");
  }

  @Override
  public <K> K create(Class<K> cls) throws Exception {
    Constructor<K> withIo;
    try {
      withIo = cls.getDeclaredConstructor(CliIo.class);
    } catch (NoSuchMethodException e) {
      return CommandLine.defaultFactory().create(cls);
    }
    return withIo.newInstance(io);
  }
}
