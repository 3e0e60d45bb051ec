package dev.flarekv.storage.rocks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.KvStoreForkContractTest;
import dev.flarekv.storage.StoreConfig;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RocksForkTest extends KvStoreForkContractTest {
  @Override
  protected KvStore createStore(Path dir, InstantSource clock) {
    return RocksKvStores.open(dir.resolve("db"), StoreConfig.defaults(), clock);
  }

  @Test
  void fork_survivesAReopen_withBlobValuesAndExpiryIndex_andLeavesNoIteratorOpen() {
    byte[] big = new byte[(int) RocksHandles.MIN_BLOB_BYTES * 2];
    java.util.Arrays.fill(big, (byte) 9);
    store.put(source, new KvEntry("big", big, "{\"blob\":true}", NOW_SECONDS + 600));
    List<KvEntry> many = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      many.add(entry("k" + i, "v" + i, null, 0));
    }
    store.putAll(source, many);

    Namespace fork = store.forkNamespace(source, "fork");
    assertThat(store.openIterators()).isZero();
    store.close();
    store = createStore(dir, clock);

    assertThat(store.namespaceById(fork.id())).contains(fork);
    assertThat(all(fork.ref())).containsExactlyElementsOf(all(source)).hasSize(301);
    assertThat(store.get(fork.ref(), "big").orElseThrow().value()).isEqualTo(big);
    // the copied expiry index lets the sweeper delete the copy once it expires
    clock.advanceSeconds(600);
    assertThat(store.sweepExpired(100)).isEqualTo(2);
    assertThat(RocksDiagnostics.of(store).rawDataCount()).isEqualTo(600);
  }
}
