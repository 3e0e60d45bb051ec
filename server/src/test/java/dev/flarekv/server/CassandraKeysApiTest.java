package dev.flarekv.server;

import dev.flarekv.server.testkit.Engine;

/** Every test of {@link KeysApiTest}, unchanged, over the Cassandra engine (docs/cassandra.md). */
class CassandraKeysApiTest extends KeysApiTest {
  @Override
  Engine engine() {
    return Engine.CASSANDRA;
  }
}
