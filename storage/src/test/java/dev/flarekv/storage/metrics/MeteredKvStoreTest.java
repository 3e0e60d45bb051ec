package dev.flarekv.storage.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.storage.StoreException;
import dev.flarekv.storage.memory.InMemoryKvStore;
import dev.flarekv.storage.testkit.MutableClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeteredKvStoreTest {
  private final MutableClock clock = MutableClock.atSeconds(1000);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MeteredKvStore store = new MeteredKvStore(new InMemoryKvStore(clock), registry);

  private long count(String op, String outcome) {
    Timer timer =
        registry.find(MeteredKvStore.OPERATIONS).tag("op", op).tag("outcome", outcome).timer();
    return timer == null ? 0 : timer.count();
  }

  @Test
  void timesEveryCallWithOutcome() {
    NamespaceRef ns = store.createNamespace("acc", "t").ref();
    store.put(ns, new KvEntry("k", new byte[] {1}, null, 0));
    assertThat(store.get(ns, "k")).isPresent();
    assertThat(store.get(ns, "missing")).isEmpty();
    NamespaceRef unknown = new NamespaceRef("acc", "00000000000000000000000000000000");
    assertThatThrownBy(() -> store.get(unknown, "k")).isInstanceOf(KvException.class);
    assertThatThrownBy(() -> store.createNamespace("acc", "t")).isInstanceOf(KvException.class);
    store.list(ns, "", null, 10);
    store.getAll(ns, List.of("k"));

    assertThat(count("createNamespace", "success")).isOne();
    assertThat(count("createNamespace", "error")).isOne();
    assertThat(count("put", "success")).isOne();
    assertThat(count("get", "success")).isOne();
    assertThat(count("get", "not_found")).isEqualTo(2);
    assertThat(count("list", "success")).isOne();
    assertThat(count("getAll", "success")).isOne();

    store.close();
    assertThatThrownBy(() -> store.get(ns, "k")).isInstanceOf(StoreException.class);
    assertThat(count("get", "error")).isOne();
    assertThat(count("close", "success")).isOne();
  }

  @Test
  void countsSweptEntries() {
    NamespaceRef ns = store.createNamespace("acc", "t").ref();
    for (int i = 0; i < 3; i++) {
      store.put(ns, new KvEntry("k" + i, new byte[0], null, 1060));
    }
    clock.advanceSeconds(60);
    assertThat(store.sweepExpired(2)).isEqualTo(2);
    assertThat(store.sweepExpired(2)).isEqualTo(1);
    assertThat(registry.get(MeteredKvStore.SWEPT).counter().count()).isEqualTo(3.0);
    assertThat(count("sweepExpired", "success")).isEqualTo(2);
  }
}
