package dev.flarekv.server;

import dev.flarekv.server.testkit.Engine;

/** Every test of {@link BulkApiTest}, unchanged, over the Cassandra engine (docs/cassandra.md). */
class CassandraBulkApiTest extends BulkApiTest {
  @Override
  Engine engine() {
    return Engine.CASSANDRA;
  }
}
