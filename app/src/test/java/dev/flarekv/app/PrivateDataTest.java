package dev.flarekv.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.server.testkit.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Private data, end to end through the real {@code flarekv} command in child JVMs started with
 * umask 000 (the loosest there is): every directory that {@code serve} and {@code backup} create is
 * 0700 and every file in the data dir and in the backups (WAL, SST, blob, MANIFEST, OPTIONS, LOG,
 * ...) is 0600. An existing data dir that others can read gets one warning and keeps its modes.
 */
class PrivateDataTest {

  @TempDir Path dir;

  @Test
  void serveAndBackup_createOnlyPrivateFilesAndDirs_whateverTheUmask() throws Exception {
    Path data = dir.resolve("home/data"); // neither exists: serve creates both
    Server server = Server.start(data);
    String base;
    try {
      base = server.createNamespace();
      for (int round = 0; round < 4; round++) {
        server.writeSome(base, round);
        // online: the running server writes the checkpoint (and so flushes SST and blob files)
        flarekv("backup", "--data-dir", data.toString(), "--to", dir.resolve("online/b" + round))
            .expectSuccess();
      }
    } finally {
      server.stop();
    }
    // offline: the backup command opens the store itself
    flarekv("backup", "--data-dir", data.toString(), "--to", dir.resolve("offline/b"))
        .expectSuccess();

    Set<String> names = fileNames(data);
    assertThat(names)
        .as("the data dir has every kind of file RocksDB writes")
        .anyMatch(n -> n.endsWith(".sst"))
        .anyMatch(n -> n.endsWith(".blob"))
        .anyMatch(n -> n.endsWith(".log"))
        .anyMatch(n -> n.startsWith("MANIFEST-"))
        .anyMatch(n -> n.startsWith("OPTIONS-"))
        .contains("LOG", "CURRENT", "IDENTITY", "LOCK");
    assertThat(fileNames(dir.resolve("offline/b"))).anyMatch(n -> n.endsWith(".blob"));

    assertThat(looseModes(dir.resolve("home"))).as("data dir").isEmpty();
    assertThat(looseModes(dir.resolve("online"))).as("online backups").isEmpty();
    assertThat(looseModes(dir.resolve("offline"))).as("offline backup").isEmpty();
  }

  @Test
  void existingDataDirReadableByOthers_warnsWithTheFix_andKeepsItsModes() throws Exception {
    Path data = dir.resolve("loose");
    try (TestServer seed = TestServer.start(data)) {
      seed.createNamespace("seed");
    }
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));

    Server server = Server.start(data);
    server.stop();

    List<String> warnings =
        server.output().lines().filter(l -> l.contains("chmod -R go-rwx")).toList();
    assertThat(warnings).as(server.output()).hasSize(1);
    System.out.println("warning: " + warnings.get(0));
    assertThat(warnings.get(0)).contains("WARN", data.toString(), "chmod -R go-rwx " + data);
    assertThat(mode(data))
        .as("an existing dir is not changed behind the user's back")
        .isEqualTo("rwxr-xr-x");

    // once fixed, no warning
    try (Stream<Path> all = Files.walk(data)) {
      for (Path p : all.toList()) {
        Files.setPosixFilePermissions(
            p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwx------" : "rw-------"));
      }
    }
    Server again = Server.start(data);
    again.stop();
    assertThat(again.output()).doesNotContain("go-rwx");
  }

  // ------------------------------------------------------------------ helpers

  /** Every path under {@code root} (itself included) whose mode is not 0700 (dirs) or 0600. */
  static TreeMap<String, String> looseModes(Path root) throws IOException {
    TreeMap<String, String> loose = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.toList()) {
        String expected = Files.isDirectory(p) ? "rwx------" : "rw-------";
        if (!mode(p).equals(expected)) {
          loose.put(root.relativize(p).toString(), mode(p));
        }
      }
    }
    return loose;
  }

  static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  static Set<String> fileNames(Path d) throws IOException {
    try (Stream<Path> files = Files.list(d)) {
      return files.map(f -> f.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  /** {@code flarekv ARGS} in a child JVM with umask 000, output merged. */
  static ProcessBuilder command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.addAll(List.of("/bin/sh", "-c", "umask 000 && exec \"$@\"", "sh"));
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.flarekv.app.Flarekv"));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true);
  }

  record Result(int code, String output) {
    Result expectSuccess() {
      assertThat(code).as(output).isZero();
      return this;
    }
  }

  static Result flarekv(Object... args) throws Exception {
    Process p = command(Stream.of(args).map(String::valueOf).toArray(String[]::new)).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("flarekv exited; " + out).isTrue();
    return new Result(p.exitValue(), out);
  }

  /** {@code flarekv serve} in a child JVM, its output collected until it exits. */
  static final class Server {
    final Process process;
    final StringBuffer log;
    final Thread reader;
    final String origin;
    final HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private Server(Process process, StringBuffer log, Thread reader, String origin) {
      this.process = process;
      this.log = log;
      this.reader = reader;
      this.origin = origin;
    }

    static Server start(Path data) throws Exception {
      Process p =
          command(
                  "serve",
                  "--port",
                  "0",
                  "--binding-port",
                  "0",
                  "--data-dir",
                  data.toString(),
                  "--api-token",
                  TestServer.TOKEN)
              .start();
      ChildOutput child = ChildOutput.follow(p);
      return new Server(p, child.log, child.reader, "http://127.0.0.1:" + child.port);
    }

    String createNamespace() throws Exception {
      HttpResponse<String> r =
          send("POST", TestServer.ns(), "{\"title\":\"private\"}", "application/json");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      String id = r.body().replaceAll("(?s).*\"id\":\"([0-9a-f]+)\".*", "$1");
      return TestServer.ns(id);
    }

    /** Small values (to SST files) and large ones (to blob files). */
    void writeSome(String base, int round) throws Exception {
      for (int i = 0; i < 20; i++) {
        String value = i % 5 == 0 ? "b".repeat(100 * 1024) : "small-" + i;
        HttpResponse<String> r =
            send("PUT", base + "/values/r" + round + "-k" + i, value, "text/plain");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
    }

    HttpResponse<String> send(String method, String path, String body, String type)
        throws Exception {
      return http.send(
          HttpRequest.newBuilder(URI.create(origin + path))
              .header("Authorization", "Bearer " + TestServer.TOKEN)
              .header("Content-Type", type)
              .timeout(Duration.ofSeconds(60))
              .method(method, HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    /** SIGTERM, then waits for the exit and the rest of the output. */
    void stop() throws Exception {
      process.destroy();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("serve exited").isTrue();
      reader.join(10_000);
      assertThat(process.exitValue()).as(output()).isIn(0, 143);
    }

    String output() {
      return log.toString();
    }
  }
}
