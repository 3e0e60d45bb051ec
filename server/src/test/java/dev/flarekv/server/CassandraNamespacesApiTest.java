package dev.flarekv.server;

import dev.flarekv.server.testkit.Engine;

/**
 * Every test of {@link NamespacesApiTest}, unchanged, over the Cassandra engine
 * (docs/cassandra.md).
 */
class CassandraNamespacesApiTest extends NamespacesApiTest {
  @Override
  Engine engine() {
    return Engine.CASSANDRA;
  }
}
