package dev.flarekv.server;

import dev.flarekv.server.testkit.Engine;

/**
 * Every test of {@link ValuesApiTest}, unchanged, over the Cassandra engine (docs/cassandra.md).
 */
class CassandraValuesApiTest extends ValuesApiTest {
  @Override
  Engine engine() {
    return Engine.CASSANDRA;
  }
}
