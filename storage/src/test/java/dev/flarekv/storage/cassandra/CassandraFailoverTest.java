package dev.flarekv.storage.cassandra;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.KeyPage;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.storage.KvStore;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The failover case: replication factor 3, one node stopped, reads and writes keep working at
 * QUORUM; then the node comes back and the seed (first contact point) goes down instead.
 *
 * <p>Starts its own 3-node cluster on 127.0.0.11-13 (run dir {@code .flarekv/cassandra-failover}),
 * 3-4 minutes on two cores, so it runs only with {@code FLAREKV_CASSANDRA_FAILOVER=1}
 * (docs/cassandra.md, "Tests").
 */
class CassandraFailoverTest {
  private static final String ACCOUNT = "0123456789abcdef0123456789abcdef";
  private static final Map<String, String> ENV =
      Map.of("CASSANDRA_FIRST_NODE", "11", "CASSANDRA_CLUSTER_NAME", "flarekv-failover");
  private static Path runDir;

  @BeforeAll
  static void startCluster() {
    Assumptions.assumeTrue(
        "1".equals(System.getenv("FLAREKV_CASSANDRA_FAILOVER")),
        "3-node failover test skipped: set FLAREKV_CASSANDRA_FAILOVER=1 to run it (starts 3 Cassandra"
            + " nodes on 127.0.0.11-13, 3-4 min)");
    runDir = CassandraTestCluster.repositoryRoot().resolve(".flarekv/cassandra-failover");
    try {
      CassandraTestCluster.runScript(runDir, ENV, List.of("start", "3"));
    } catch (RuntimeException e) {
      stopCluster();
      throw e;
    }
  }

  @AfterAll
  static void stopCluster() {
    if (runDir != null) {
      CassandraTestCluster.runScript(runDir, ENV, List.of("stop"));
    }
  }

  private final TreeMap<String, byte[]> expected = new TreeMap<>(CassandraFailoverTest::utf8Order);

  private static int utf8Order(String a, String b) {
    return Arrays.compareUnsigned(a.getBytes(UTF_8), b.getBytes(UTF_8));
  }

  @Test
  void rf3_oneNodeDown_readsAndWritesKeepWorking() {
    CassandraConfig config =
        CassandraConfig.defaults(
            CassandraConfig.parseContactPoints("127.0.0.11:9042,127.0.0.12:9042"),
            "flarekv_failover",
            3);
    try (KvStore store = CassandraKvStores.open(config, InstantSource.system())) {
      NamespaceRef ns = store.createNamespace(ACCOUNT, "failover-" + UUID.randomUUID()).ref();
      write(store, ns, "before", 100);
      checkEverything(store, ns);

      CassandraTestCluster.runScript(runDir, ENV, List.of("stop-node", "13"));
      checkEverything(store, ns);
      write(store, ns, "node13-down", 100);
      workload(store, ns, "node13-down");
      checkEverything(store, ns);

      // node 13 back (start only starts what is not running), then the seed goes down
      CassandraTestCluster.runScript(runDir, ENV, List.of("start", "3"));
      CassandraTestCluster.runScript(runDir, ENV, List.of("stop-node", "11"));
      checkEverything(store, ns);
      write(store, ns, "node11-down", 100);
      workload(store, ns, "node11-down");
      checkEverything(store, ns);
    }
  }

  private void write(KvStore store, NamespaceRef ns, String phase, int count) {
    List<KvEntry> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String key = "session:" + phase + ":" + i;
      byte[] value = (phase + "-" + i).getBytes(UTF_8);
      if (i % 2 == 0) {
        store.put(ns, new KvEntry(key, value, null, 0));
      } else {
        batch.add(new KvEntry(key, value, null, 0));
      }
      expected.put(key, value);
    }
    store.putAll(ns, batch);
  }

  /** Deletes, a chunked value, namespace create/rename (LWT), a sweep. */
  private void workload(KvStore store, NamespaceRef ns, String phase) {
    store.delete(ns, "session:" + phase + ":0");
    store.deleteAll(ns, List.of("session:" + phase + ":1", "session:" + phase + ":2"));
    expected.remove("session:" + phase + ":0");
    expected.remove("session:" + phase + ":1");
    expected.remove("session:" + phase + ":2");
    byte[] big = new byte[2 * 1024 * 1024 + 3];
    new Random(phase.hashCode()).nextBytes(big);
    store.put(ns, new KvEntry("big:" + phase, big, "{\"m\":1}", 0));
    expected.put("big:" + phase, big);
    Namespace created = store.createNamespace(ACCOUNT, "tmp-" + UUID.randomUUID());
    assertThat(store.renameNamespace(created.ref(), "renamed-" + UUID.randomUUID()).id())
        .isEqualTo(created.id());
    store.deleteNamespace(created.ref());
    assertThat(store.sweepExpired(100)).isGreaterThanOrEqualTo(0);
  }

  private void checkEverything(KvStore store, NamespaceRef ns) {
    List<String> listed = new ArrayList<>();
    String after = null;
    while (true) {
      KeyPage page = store.list(ns, "", after, 37);
      page.keys().stream().map(KeyInfo::name).forEach(listed::add);
      if (page.listComplete()) {
        break;
      }
      after = page.lastKey();
    }
    assertThat(listed).containsExactlyElementsOf(expected.keySet());
    for (Map.Entry<String, byte[]> e : expected.entrySet()) {
      assertThat(store.get(ns, e.getKey()).orElseThrow().value())
          .as(e.getKey())
          .isEqualTo(e.getValue());
    }
    List<String> some = new ArrayList<>(expected.keySet()).subList(0, 50);
    assertThat(store.getAll(ns, some)).containsOnlyKeys(some);
  }
}
