package dev.flarekv.app;

import dev.flarekv.server.modes.Modes;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads an enum flag value written in lower case ({@code --limits free}), and names the accepted
 * values when it is none of them.
 */
abstract class LowerCaseEnum<E extends Enum<E>> implements ITypeConverter<E> {
  private final Class<E> type;

  LowerCaseEnum(Class<E> type) {
    this.type = type;
  }

  @Override
  public E convert(String value) {
    for (E e : type.getEnumConstants()) {
      if (e.name().toLowerCase(Locale.ROOT).equals(value.trim().toLowerCase(Locale.ROOT))) {
        return e;
      }
    }
    throw new TypeConversionException(
        "'"
            + value
            + "' is not one of "
            + Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", ")));
  }

  static final class ClockMode extends LowerCaseEnum<Modes.Clock> {
    ClockMode() {
      super(Modes.Clock.class);
    }
  }

  static final class LimitsMode extends LowerCaseEnum<Modes.Limits> {
    LimitsMode() {
      super(Modes.Limits.class);
    }
  }

  static final class ConsistencyMode extends LowerCaseEnum<Modes.Consistency> {
    ConsistencyMode() {
      super(Modes.Consistency.class);
    }
  }
}
