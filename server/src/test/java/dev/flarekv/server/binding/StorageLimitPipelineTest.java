package dev.flarekv.server.binding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.api.RestSurface;
import dev.flarekv.server.auth.Principal;
import dev.flarekv.server.modes.Modes;
import dev.flarekv.server.modes.limits.LimitsPlan;
import dev.flarekv.server.modes.limits.LimitsPolicy;
import dev.flarekv.server.modes.limits.Quota;
import dev.flarekv.server.pipeline.KvExecutor;
import dev.flarekv.server.pipeline.KvOperation;
import dev.flarekv.server.pipeline.KvPipeline;
import dev.flarekv.server.pipeline.KvSurface;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.StoreConfig;
import dev.flarekv.storage.rocks.RocksKvStores;
import dev.flarekv.storage.testkit.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Free plan's storage limit through the real pipelines of both surfaces over RocksDB, with the
 * limit lowered to 100 bytes (a test cannot store a gigabyte; the real number is checked in {@code
 * LimitsUnitsTest}): a write that would pass it is refused and changes nothing; a delete makes
 * room.
 */
class StorageLimitPipelineTest {
  @TempDir Path dir;
  KvStore store;
  NamespaceRef ns;
  MutableClock clock = new MutableClock(1_700_000_000_000L);
  KvPipeline rest;
  KvPipeline binding;

  @BeforeEach
  void open() {
    store = RocksKvStores.open(dir, StoreConfig.defaults(), clock);
    ns = store.createNamespace("acct", "t").ref();
    LimitsPolicy policy =
        new LimitsPolicy(
            LimitsPlan.of(Modes.Limits.FREE).withQuota(Quota.STORED_BYTES, 100),
            clock,
            store,
            new SimpleMeterRegistry());
    rest = pipeline(policy, new RestSurface());
    binding = pipeline(policy, new BindingSurface());
  }

  KvPipeline pipeline(LimitsPolicy policy, KvSurface surface) {
    return new KvPipeline(List.of(policy), new KvExecutor(store), surface);
  }

  @AfterEach
  void close() {
    store.close();
  }

  static KvOperation.Origin origin(KvOperation.Surface surface) {
    return new KvOperation.Origin(
        surface, "values", HttpMethod.PUT, System.nanoTime(), Principal.ALL_ACCOUNTS, null);
  }

  ApiReply put(KvPipeline p, KvOperation.Surface s, String key, int bytes) {
    return p.run(KvOperation.put(origin(s), ns, new KvEntry(key, new byte[bytes], null, 0)));
  }

  @Test
  void aWritePastTheLimit_isRefusedOnBothSurfaces_andADeleteMakesRoom() {
    assertThat(put(rest, KvOperation.Surface.REST, "a", 59).status()).isEqualTo(200); // 60 bytes
    ApiReply restRefused = put(rest, KvOperation.Surface.REST, "b", 40); // 60 + 41 > 100
    assertThat(restRefused.status()).isEqualTo(429);
    assertThat(new String(restRefused.body(), StandardCharsets.UTF_8)).contains("\"code\":10048");
    ApiReply bindingRefused = put(binding, KvOperation.Surface.BINDING, "b", 40);
    assertThat(bindingRefused.status()).isEqualTo(429);
    assertThat(bindingRefused.reason()).startsWith("KV put() limit exceeded");
    assertThat(store.get(ns, "b")).as("nothing written").isEmpty();
    assertThat(put(binding, KvOperation.Surface.BINDING, "b", 39).status()).isEqualTo(200);
    clock.advanceMillis(1000);
    assertThat(put(rest, KvOperation.Surface.REST, "a", 60).status())
        .as("a rewrite that grows the account by one byte")
        .isEqualTo(429);
    KvOperation delete =
        KvOperation.ofKey(KvOperation.Kind.DELETE, origin(KvOperation.Surface.REST), ns, "a");
    assertThat(rest.run(delete).status()).isEqualTo(200);
    assertThat(put(rest, KvOperation.Surface.REST, "c", 58).status()).isEqualTo(200);
  }
}
