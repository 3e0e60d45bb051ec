package dev.flarekv.server;

import dev.flarekv.server.testkit.Engine;
import dev.flarekv.server.testkit.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh server and one namespace ({@link #base} is its REST path) for every test, over the engine
 * of {@link #engine()} (RocksDB here; the {@code Cassandra*} subclasses of the test classes run the
 * same tests over Cassandra).
 */
abstract class NamespaceApiTest {
  @TempDir Path dir;
  TestServer server;
  String base;

  /** The storage engine of this test class's servers. */
  Engine engine() {
    return Engine.ROCKSDB;
  }

  @BeforeEach
  void start() {
    engine().reset();
    server = TestServer.start(dir, engine());
    base = TestServer.ns(server.createNamespace(getClass().getSimpleName()));
  }

  @AfterEach
  void stop() {
    server.close();
  }
}
