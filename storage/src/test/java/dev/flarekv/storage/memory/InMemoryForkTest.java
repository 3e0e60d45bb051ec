package dev.flarekv.storage.memory;

import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.KvStoreForkContractTest;
import java.nio.file.Path;
import java.time.InstantSource;

class InMemoryForkTest extends KvStoreForkContractTest {
  @Override
  protected KvStore createStore(Path dir, InstantSource clock) {
    return new InMemoryKvStore(clock);
  }
}
