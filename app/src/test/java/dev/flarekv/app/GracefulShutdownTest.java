package dev.flarekv.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.server.testkit.Await;
import dev.flarekv.server.testkit.RawHttp;
import dev.flarekv.server.testkit.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM on {@code flarekv serve} under load: it stops accepting, lets in-flight requests finish
 * (a half-sent 8 MiB upload completes after the signal), exits 0/143 in time, leaves no WAL to
 * replay, and every acknowledged write is there after a restart.
 */
class GracefulShutdownTest {
  /** Acknowledged writes before the signal: the load is running. */
  private static final int LOAD_WRITES = 200;

  @TempDir Path dir;

  @Test
  void sigterm_drainsInFlightRequests_flushes_andLosesNothing() throws Exception {
    Path data = dir.resolve("data");
    String nsId;
    try (TestServer seed = TestServer.start(data)) {
      nsId = seed.createNamespace("graceful");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path")));
    cmd.addAll(List.of("dev.flarekv.app.Flarekv", "serve", "--port", "0", "--binding-port", "0"));
    cmd.addAll(List.of("--data-dir", data.toString(), "--api-token", TestServer.TOKEN));
    cmd.addAll(List.of("--shutdown-timeout", "15s"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    ChildOutput child = ChildOutput.follow(p);
    StringBuffer log = child.log;
    Thread logReader = child.reader;
    int port = child.port;

    String base = TestServer.ns(nsId);
    String origin = "http://127.0.0.1:" + port;
    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    AtomicInteger refusedConnections = new AtomicInteger();
    List<String> badResponses = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 16; c++) {
      int id = c;
      Thread t =
          new Thread(
              () -> {
                HttpClient http =
                    HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
                for (int i = 0; !stop.get(); i++) {
                  String key = "c" + id + "-" + i;
                  String value = "value-" + key + "-" + "x".repeat(i % 5000);
                  try {
                    HttpResponse<String> r =
                        http.send(
                            HttpRequest.newBuilder(URI.create(origin + base + "/values/" + key))
                                .header("Authorization", "Bearer " + TestServer.TOKEN)
                                .timeout(Duration.ofSeconds(30))
                                .PUT(HttpRequest.BodyPublishers.ofString(value))
                                .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                      acknowledged.put(key, value);
                    } else if (r.statusCode() != 503 || !r.body().contains("\"success\":false")) {
                      badResponses.add(r.statusCode() + " " + r.body());
                    }
                  } catch (IOException e) {
                    refusedConnections.incrementAndGet(); // no response: the server stopped
                    return;
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      t.start();
      clients.add(t);
    }

    // a large upload, half sent when SIGTERM arrives
    byte[] big = new byte[8 * 1024 * 1024];
    Arrays.fill(big, (byte) 'b');
    RawHttp upload = new RawHttp(port);
    upload.write(
        "PUT "
            + base
            + "/values/big HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + TestServer.TOKEN
            + "\r\nContent-Length: "
            + big.length
            + "\r\n\r\n");
    upload.write(Arrays.copyOf(big, big.length / 2));

    Await.until("writes acknowledged under load", () -> acknowledged.size() >= LOAD_WRITES);
    long signalled = System.nanoTime();
    p.destroy(); // SIGTERM
    // draining starts by closing the listener; the upload is one of the requests in flight
    Await.until("the listener closed after SIGTERM", () -> !accepts(port));
    upload.write(Arrays.copyOfRange(big, big.length / 2, big.length));
    RawHttp.Response uploaded = upload.read();
    upload.close();

    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
    long exitMillis = (System.nanoTime() - signalled) / 1_000_000;
    stop.set(true);
    for (Thread t : clients) {
      t.join(30_000);
    }
    logReader.join(5_000);
    assertThat(p.exitValue()).as(log.toString()).isIn(0, 143);
    assertThat(exitMillis).as("exit time").isLessThan(15_000);
    assertThat(uploaded).as("upload in flight at SIGTERM got its answer").isNotNull();
    assertThat(uploaded.status()).as(uploaded.text()).isEqualTo(200);
    assertThat(uploaded.headers()).contains("connection: close");
    assertThat(badResponses).isEmpty();
    assertThat(acknowledged).isNotEmpty();

    // closed cleanly: memtables flushed, WAL synced, nothing to replay
    try (Stream<Path> files = Files.list(data)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
        assertThat(Files.size(f)).as("WAL " + f.getFileName() + " after shutdown").isZero();
      }
    }
    System.out.printf(
        "graceful shutdown: %d writes acknowledged, %d clients saw the connection closed, exit %d"
            + " after %d ms%n",
        acknowledged.size(), refusedConnections.get(), p.exitValue(), exitMillis);

    try (TestServer server = TestServer.start(data)) {
      for (Map.Entry<String, String> e : acknowledged.entrySet()) {
        assertThat(server.get(base + "/values/" + e.getKey()).text())
            .as(e.getKey())
            .isEqualTo(e.getValue());
      }
      assertThat(server.get(base + "/values/big").body()).isEqualTo(big);
    }
  }

  /** Whether a TCP connection to the loopback port is accepted. */
  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
