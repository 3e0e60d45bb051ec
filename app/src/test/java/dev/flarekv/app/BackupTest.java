package dev.flarekv.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.server.admin.AdminFile;
import dev.flarekv.server.testkit.MultipartBody;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code flarekv backup}: online through the running server's admin listener, and offline. */
class BackupTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run backup(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new BackupCommand());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static String values(String ns, String key) {
    return TestServer.ns(ns) + "/values/" + key;
  }

  @Test
  void online_whileWriting_copyServesAsDataDir() throws Exception {
    Path data = dir.resolve("data");
    Path copy = dir.resolve("backups/copy");
    String ns;
    int acknowledgedBefore;
    try (TestServer server = TestServer.start(data)) {
      ns = server.createNamespace("sessions");
      assertThat(server.put(values(ns, "plain"), "hello").status()).isEqualTo(200);
      byte[] binary = new byte[256];
      for (int i = 0; i < 256; i++) {
        binary[i] = (byte) i;
      }
      assertThat(server.put(values(ns, "bin"), binary).status()).isEqualTo(200);
      byte[] mp = MultipartBody.of("value", "v", "{\"by\":\"me\"}");
      assertThat(
              server
                  .send(
                      "PUT",
                      values(ns, "meta") + "?expiration=" + (TestServer.NOW_SECONDS + 3600),
                      HttpRequest.BodyPublishers.ofByteArray(mp),
                      "Content-Type",
                      MultipartBody.CONTENT_TYPE)
                  .status())
          .isEqualTo(200);
      Path adminFile = AdminFile.in(data);
      assertThat(adminFile).exists();
      assertThat(Files.getPosixFilePermissions(adminFile))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));

      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger written = new AtomicInteger();
      Thread writer =
          new Thread(
              () -> {
                while (!stop.get()) {
                  int i = written.get();
                  if (server.put(values(ns, "w" + i), "x" + i).status() == 200) {
                    written.incrementAndGet();
                  }
                }
              });
      writer.start();
      while (written.get() < 20) {
        Thread.sleep(5);
      }
      acknowledgedBefore = written.get();
      Run run;
      try {
        run = backup("--data-dir", data.toString(), "--to", copy.toString());
      } finally {
        stop.set(true);
        writer.join();
      }
      assertThat(run.code()).as(run.err()).isZero();
      assertThat(run.out()).contains("(online, by the server)").contains(copy.toString());
      assertThat(server.get(values(ns, "plain")).text()).isEqualTo("hello");
    }
    assertThat(AdminFile.in(data)).doesNotExist();
    assertThat(AdminFile.in(copy)).doesNotExist();

    try (TestServer restored = TestServer.start(copy)) {
      assertThat(restored.get(values(ns, "plain")).text()).isEqualTo("hello");
      byte[] bin = restored.get(values(ns, "bin")).body();
      assertThat(bin).hasSize(256);
      assertThat(bin[255]).isEqualTo((byte) 255);
      Reply meta = restored.get(TestServer.ns(ns) + "/metadata/meta");
      assertThat(meta.result().path("by").asText()).isEqualTo("me");
      Reply keys = restored.get(TestServer.ns(ns) + "/keys?prefix=meta");
      assertThat(keys.result().path(0).path("expiration").asLong())
          .isEqualTo(TestServer.NOW_SECONDS + 3600);
      for (int i = 0; i < acknowledgedBefore; i++) {
        assertThat(restored.get(values(ns, "w" + i)).status()).as("w" + i).isEqualTo(200);
      }
    }
  }

  @Test
  void offline_whenNoServerRuns() {
    Path data = dir.resolve("data");
    String ns;
    try (TestServer server = TestServer.start(data)) {
      ns = server.createNamespace("n");
      server.put(values(ns, "k"), "v");
    }
    Run run = backup("--data-dir", data.toString(), "--to", dir.resolve("copy").toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("(no server running)");
    try (TestServer restored = TestServer.start(dir.resolve("copy"))) {
      assertThat(restored.get(values(ns, "k")).text()).isEqualTo("v");
    }
  }

  @Test
  void staleAdminFile_fromACrash_fallsBackToOffline() throws Exception {
    Path data = dir.resolve("data");
    String ns;
    try (TestServer server = TestServer.start(data)) {
      ns = server.createNamespace("n");
      server.put(values(ns, "k"), "v");
    }
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    new AdminFile("127.0.0.1", deadPort, AdminFile.newSecret(), 1).write(data);
    Run run = backup("--data-dir", data.toString(), "--to", dir.resolve("copy").toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("(no server running)");
  }

  @Test
  void runningServer_unreachableAdmin_failsClearly_andTargetMustNotExist() throws Exception {
    Path data = dir.resolve("data");
    try (TestServer server = TestServer.start(data)) {
      new AdminFile("127.0.0.1", server.port(), "not-the-secret", 1).write(data);
      Run run = backup("--data-dir", data.toString(), "--to", dir.resolve("copy").toString());
      assertThat(run.code()).isNotZero();
      assertThat(run.err()).contains("is in use by a running server");
      assertThat(dir.resolve("copy")).doesNotExist();
    }
    Files.createDirectories(dir.resolve("exists"));
    Run exists = backup("--data-dir", data.toString(), "--to", dir.resolve("exists").toString());
    assertThat(exists.code()).isNotZero();
    assertThat(exists.err()).contains("already exists");
    Run none =
        backup("--data-dir", dir.resolve("none").toString(), "--to", dir.resolve("c2").toString());
    assertThat(none.code()).isNotZero();
    assertThat(none.err()).contains("no data dir");
  }

  @Test
  void adminListener_requiresTheSecret_andAbsoluteNewTarget() throws Exception {
    Path data = dir.resolve("data");
    try (TestServer server = TestServer.start(data)) {
      AdminFile admin = AdminFile.read(data).orElseThrow();
      assertThat(admin.host()).isEqualTo("127.0.0.1");
      assertThat(admin.port()).isEqualTo(server.server().adminPort());
      assertThat(admin(server, admin, "wrong", "{\"target\":\"/tmp/x\"}").status()).isEqualTo(401);
      // the REST token is not the admin secret
      assertThat(admin(server, admin, TestServer.TOKEN, "{\"target\":\"/tmp/x\"}").status())
          .isEqualTo(401);
      Reply relative = admin(server, admin, admin.secret(), "{\"target\":\"rel\"}");
      assertThat(relative.status()).isEqualTo(400);
      Reply exists =
          admin(
              server,
              admin,
              admin.secret(),
              "{\"target\":" + TestServer.quote(dir.toString()) + "}");
      assertThat(exists.status()).isEqualTo(400);
      assertThat(exists.errorMessage()).contains("already exists");
      Path target = dir.resolve("ok");
      Reply ok =
          admin(
              server,
              admin,
              admin.secret(),
              "{\"target\":" + TestServer.quote(target.toString()) + "}");
      assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
      assertThat(target.resolve("CURRENT")).exists();
      // not on the REST listener
      assertThat(server.postJson("/admin/checkpoint", "{}").status()).isEqualTo(404);
    }
  }

  static Reply admin(TestServer server, AdminFile admin, String secret, String body) {
    return server.send(
        HttpRequest.newBuilder(URI.create(admin.origin() + "/admin/checkpoint"))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + secret)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }
}
