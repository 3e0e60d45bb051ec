package dev.flarekv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.server.watch.WatchedKvStore;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.metrics.MeteredKvStore;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The store decorators the server stacks on its engine forward every {@link KvStore} method. A
 * method the SPI gains with a default body (a fallback for engines without it, or a refusal) would
 * otherwise run that default on the decorator instead of the engine's own implementation: a seed
 * with a chosen id was refused on RocksDB that way.
 */
class StoreDecoratorsTest {
  @ParameterizedTest
  @ValueSource(classes = {WatchedKvStore.class, MeteredKvStore.class})
  void everyStoreMethodIsForwarded(Class<?> decorator) {
    List<String> missing = new ArrayList<>();
    for (Method m : KvStore.class.getMethods()) {
      if (Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      try {
        decorator.getDeclaredMethod(m.getName(), m.getParameterTypes());
      } catch (NoSuchMethodException e) {
        missing.add(m.getName() + List.of(m.getParameterTypes()));
      }
    }
    assertThat(missing)
        .as("KvStore methods %s does not forward", decorator.getSimpleName())
        .isEmpty();
  }
}
