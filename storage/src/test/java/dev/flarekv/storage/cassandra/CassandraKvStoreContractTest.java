package dev.flarekv.storage.cassandra;

import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.KvStoreContractTest;
import java.nio.file.Path;
import java.time.InstantSource;
import org.junit.jupiter.api.BeforeAll;

/** The whole storage contract against a real Cassandra node (see {@link CassandraTestCluster}). */
class CassandraKvStoreContractTest extends KvStoreContractTest {
  private static CassandraConfig config;
  private static Cql cql;

  @BeforeAll
  static void schema() {
    config = CassandraTestCluster.config("contract");
    cql = CassandraTestCluster.schema("contract");
  }

  @Override
  protected KvStore createStore(Path dir, InstantSource clock) {
    return CassandraTestCluster.emptyStore(config, cql, clock);
  }

  @Override
  protected long rawRecordCount(KvStore store) {
    return ((CassandraKvStore) store).rawRecordCount();
  }
}
