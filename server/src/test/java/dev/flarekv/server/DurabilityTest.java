package dev.flarekv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.server.testkit.MultipartBody;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restart and SIGKILL: acknowledged writes, metadata and expirations survive. */
class DurabilityTest {
  static final long NOW = TestServer.NOW_SECONDS;

  @TempDir Path dir;

  @Test
  void restart_keepsNamespacesValuesMetadataAndExpirations() {
    String id;
    String base;
    try (TestServer server = TestServer.start(dir)) {
      id = server.createNamespace("durable");
      base = TestServer.ns(id);
      server.put(base + "/values/plain", "v1");
      server.put(base + "/values/ttl?expiration_ttl=3600", "v2");
      server.send(
          "PUT",
          base + "/values/meta?expiration=" + (NOW + 7200),
          HttpRequest.BodyPublishers.ofByteArray(MultipartBody.of("value", "v3", "{\"a\":[1]}")),
          "Content-Type",
          MultipartBody.CONTENT_TYPE);
      server.putJson(TestServer.ns(id), "{\"title\":\"renamed\"}");
    }
    try (TestServer server = TestServer.start(dir)) {
      assertThat(server.get(TestServer.ns(id)).result().path("title").asText())
          .isEqualTo("renamed");
      assertThat(server.get(base + "/values/plain").text()).isEqualTo("v1");
      Reply ttl = server.get(base + "/values/ttl");
      assertThat(ttl.text()).isEqualTo("v2");
      assertThat(ttl.headers().firstValue("expiration")).hasValue(Long.toString(NOW + 3600));
      assertThat(server.get(base + "/values/meta").headers().firstValue("expiration"))
          .hasValue(Long.toString(NOW + 7200));
      assertThat(server.get(base + "/metadata/meta").result().toString()).isEqualTo("{\"a\":[1]}");
      assertThat(server.get(base + "/keys").result().size()).isEqualTo(3);
    }
  }

  @Test
  void sigkill_afterAcknowledgedWrites_losesNothing() throws Exception {
    killAndCheck(false);
  }

  @Test
  void sigkill_withSync_losesNothing() throws Exception {
    killAndCheck(true);
  }

  private void killAndCheck(boolean sync) throws Exception {
    int n = 500;
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                javaBin,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.flarekv.server.testkit.ServerMain",
                dir.toString(),
                sync ? "sync" : "nosync")
            .redirectErrorStream(true);
    Process child = pb.start();
    String nsId;
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line;
      int port = -1;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("PORT ")) {
          port = Integer.parseInt(line.substring(5).trim());
          break;
        }
      }
      assertThat(port).as("child server did not start").isPositive();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String origin = "http://127.0.0.1:" + port;
      HttpResponse<String> created =
          http.send(
              request(origin + TestServer.ns())
                  .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"crash\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).isEqualTo(200);
      nsId = created.body().replaceAll(".*\"id\":\"([0-9a-f]{32})\".*", "$1");
      String base = origin + TestServer.ns(nsId);
      for (int i = 0; i < n; i++) {
        HttpResponse<String> r =
            http.send(
                request(base + "/values/key-" + i + "?expiration_ttl=86400")
                    .PUT(HttpRequest.BodyPublishers.ofString("value-" + i))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
      }
      HttpResponse<String> bulk =
          http.send(
              request(base + "/bulk")
                  .PUT(
                      HttpRequest.BodyPublishers.ofString(
                          "[{\"key\":\"bulk-a\",\"value\":\"A\",\"metadata\":{\"m\":1}}]"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(bulk.statusCode()).isEqualTo(200);
    } finally {
      child.destroyForcibly(); // SIGKILL on Unix: no shutdown hook, no flush
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(child.exitValue()).isEqualTo(137);
    try (TestServer server = TestServer.start(dir, List.of(TestServer.TOKEN))) {
      String base = TestServer.ns(nsId);
      for (int i = 0; i < n; i++) {
        Reply r = server.get(base + "/values/key-" + i);
        assertThat(r.status()).as("key-" + i).isEqualTo(200);
        assertThat(r.text()).isEqualTo("value-" + i);
        assertThat(r.headers().firstValue("expiration")).isPresent();
      }
      assertThat(server.get(base + "/metadata/bulk-a").result().toString()).isEqualTo("{\"m\":1}");
    }
  }

  private static HttpRequest.Builder request(String url) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + TestServer.TOKEN);
  }
}
