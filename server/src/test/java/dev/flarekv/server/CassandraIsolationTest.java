package dev.flarekv.server;

import dev.flarekv.server.testkit.Engine;

/**
 * Every test of {@link IsolationTest}, unchanged, over the Cassandra engine (docs/cassandra.md).
 */
class CassandraIsolationTest extends IsolationTest {
  @Override
  Engine engine() {
    return Engine.CASSANDRA;
  }
}
