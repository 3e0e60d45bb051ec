package dev.flarekv.server;

import dev.flarekv.server.testkit.Engine;

/**
 * Every test of {@link BindingApiTest}, unchanged, over the Cassandra engine (docs/cassandra.md).
 */
class CassandraBindingApiTest extends BindingApiTest {
  @Override
  Engine engine() {
    return Engine.CASSANDRA;
  }
}
