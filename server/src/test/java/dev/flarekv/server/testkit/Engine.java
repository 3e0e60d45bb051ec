package dev.flarekv.server.testkit;

import dev.flarekv.server.ServerConfig;
import dev.flarekv.storage.cassandra.CassandraTestCluster;

/**
 * The storage engine a conformance test runs its servers over. The REST and binding conformance
 * classes run on {@link #ROCKSDB}; a thin {@code Cassandra*} subclass of each overrides its {@code
 * engine()} hook to run every inherited test, unchanged, on {@link #CASSANDRA}.
 */
public enum Engine {
  /** RocksDB in the test's temp dir: every server starts over an empty store of its own. */
  ROCKSDB {
    @Override
    public ServerConfig configure(ServerConfig config) {
      return config;
    }

    @Override
    public void reset() {
      // every test has its own @TempDir
    }
  },

  /**
   * Apache Cassandra (docs/cassandra.md): all servers of the JVM share one keyspace of the test
   * cluster ({@link CassandraTestCluster#serverKeyspace()}), whose namespace catalog {@link #reset}
   * empties before each test.
   */
  CASSANDRA {
    @Override
    public ServerConfig configure(ServerConfig config) {
      return config.withCassandra(CassandraTestCluster.serverKeyspace());
    }

    @Override
    public void reset() {
      CassandraTestCluster.forgetNamespaces(CassandraTestCluster.serverKeyspace());
    }
  };

  /** The test configuration of a server over this engine. */
  public abstract ServerConfig configure(ServerConfig config);

  /**
   * Makes the next server start over an empty store: no namespaces in any account. Call before a
   * test starts its server (RocksDB gets that from a fresh data dir).
   */
  public abstract void reset();
}
