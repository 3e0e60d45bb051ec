package dev.flarekv.server;

import dev.flarekv.server.testkit.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh server and one namespace ({@link #base} is its REST path) for every test. */
abstract class NamespaceApiTest {
  @TempDir Path dir;
  TestServer server;
  String base;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    base = TestServer.ns(server.createNamespace(getClass().getSimpleName()));
  }

  @AfterEach
  void stop() {
    server.close();
  }
}
