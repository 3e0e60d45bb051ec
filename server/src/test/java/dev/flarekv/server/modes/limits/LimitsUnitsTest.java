package dev.flarekv.server.modes.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.server.modes.Modes;
import dev.flarekv.storage.memory.InMemoryKvStore;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parts of {@link LimitsPolicy} with Cloudflare's real numbers. */
class LimitsUnitsTest {
  @Test
  void theFreePlan_hasCloudflaresNumbers_thePaidPlanNoQuotas() {
    LimitsPlan free = LimitsPlan.of(Modes.Limits.FREE);
    assertThat(free.limit(Quota.READS)).isEqualTo(100_000);
    assertThat(free.limit(Quota.WRITES)).isEqualTo(1_000);
    assertThat(free.limit(Quota.DELETES)).isEqualTo(1_000);
    assertThat(free.limit(Quota.LISTS)).isEqualTo(1_000);
    assertThat(free.limit(Quota.STORED_BYTES)).isEqualTo(1_000_000_000L);
    assertThat(free.requestsPerWindow()).isEqualTo(1200);
    assertThat(free.windowSeconds()).isEqualTo(300);
    LimitsPlan paid = LimitsPlan.of(Modes.Limits.PAID);
    assertThat(paid.hasQuotas()).isFalse();
    assertThat(paid.requestsPerWindow()).isEqualTo(1200);
  }

  @Test
  void storedBytes_refuseAWriteThatWouldPassOneGigabyte_countingWhatTheStoreHolds() {
    InMemoryKvStore store = new InMemoryKvStore(InstantSource.system());
    NamespaceRef ns = store.createNamespace("acct", "t").ref();
    store.put(ns, new KvEntry("key", "value".getBytes(StandardCharsets.UTF_8), "{}", 0));
    StoredBytes stored = new StoredBytes(store);
    long gb = LimitsPlan.of(Modes.Limits.FREE).limit(Quota.STORED_BYTES);
    assertThat(stored.total("acct")).isEqualTo(3 + 5 + 2);
    assertThat(stored.reserve("acct", gb - 10 + 1, gb)).isFalse();
    assertThat(stored.total("acct")).as("a refusal counts nothing").isEqualTo(10);
    assertThat(stored.reserve("acct", gb - 10, gb)).isTrue();
    assertThat(stored.total("acct")).isEqualTo(gb);
    assertThat(stored.sizeOf(ns, List.of("key", "missing"))).isEqualTo(10);
  }

  @Test
  void sameKeyWrites_oneWritePerKeyPerSecond_aBulkAdmittedWhole() {
    SameKeyWrites writes = new SameKeyWrites();
    NamespaceRef ns = new NamespaceRef("acct", "0123456789abcdef0123456789abcdef");
    assertThat(writes.admit(ns, List.of("a"), 10)).isTrue();
    assertThat(writes.admit(ns, List.of("a"), 10)).isFalse();
    assertThat(writes.admit(ns, List.of("b", "a"), 10)).isFalse();
    assertThat(writes.admit(ns, List.of("b"), 10)).as("b was not marked by the refusal").isTrue();
    assertThat(writes.admit(ns, List.of("a", "b"), 11)).isTrue();
  }

  @Test
  void requestRate_slidesOverTheWindow_perToken() {
    RequestRate rate = new RequestRate(1200, 300);
    for (int i = 0; i < 1200; i++) {
      assertThat(rate.admit("t", i * 100L)).isZero(); // 1,200 in 120 s
    }
    assertThat(rate.admit("t", 120_000)).isEqualTo(180);
    assertThat(rate.admit("other", 120_000)).isZero();
    assertThat(rate.admit("t", 299_999)).isEqualTo(1);
    assertThat(rate.admit("t", 300_000)).isZero(); // the first left the window
    assertThat(rate.admit("t", 300_000)).isEqualTo(1);
  }
}
