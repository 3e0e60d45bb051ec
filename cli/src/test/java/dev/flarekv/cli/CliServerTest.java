package dev.flarekv.cli;

import dev.flarekv.server.testkit.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** One real server on an ephemeral port for all tests of a CLI test class. */
abstract class CliServerTest {
  @TempDir static Path data;
  static TestServer server;

  @BeforeAll
  static void startServer() {
    server = TestServer.start(data);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }
}
