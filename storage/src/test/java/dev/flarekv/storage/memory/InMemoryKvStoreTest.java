package dev.flarekv.storage.memory;

import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.KvStoreContractTest;
import java.nio.file.Path;
import java.time.InstantSource;

class InMemoryKvStoreTest extends KvStoreContractTest {

  @Override
  protected KvStore createStore(Path dir, InstantSource clock) {
    return new InMemoryKvStore(clock);
  }

  @Override
  protected long rawRecordCount(KvStore store) {
    return ((InMemoryKvStore) store).rawSize();
  }
}
