package dev.flarekv.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code flarekv serve} as a user runs it: a child JVM, its flags, its first line, SIGTERM. */
class ServeCommandTest {
  static final Pattern BASE_URL =
      Pattern.compile("CLOUDFLARE_API_BASE_URL=(http://127\\.0\\.0\\.1:(\\d+)/client/v4)");

  @TempDir Path dir;

  Process start(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.flarekv.app.Flarekv");
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  @Test
  void serve_printsBaseUrl_answersHealthz_andStopsOnSigterm() throws Exception {
    Path data = dir.resolve("data");
    Process p =
        start(
            "serve",
            "--port",
            "0",
            "--binding-port",
            "auto",
            "--data-dir",
            data.toString(),
            "--api-token",
            "secret");
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertThat(line).isNotNull();
      Matcher m = BASE_URL.matcher(line);
      assertThat(m.find()).as(line).isTrue();
      int port = Integer.parseInt(m.group(2));
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      Matcher binding =
          Pattern.compile("FLAREKV_BINDING_ADDRESS=127\\.0\\.0\\.1:(\\d+)").matcher(line);
      assertThat(binding.find()).as(line).isTrue();
      HttpResponse<String> bindingHealth =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + binding.group(1) + "/healthz"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(bindingHealth.statusCode()).isEqualTo(200);
      HttpResponse<String> unauthorized =
          http.send(
              HttpRequest.newBuilder(URI.create(m.group(1) + "/memberships")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(unauthorized.statusCode()).isEqualTo(401);
      assertThat(Files.isDirectory(data)).isTrue();
    } finally {
      p.destroy(); // SIGTERM
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(p.exitValue()).isIn(0, 143);
  }

  @Test
  void serve_onUnusableDataDir_failsWithOneLine() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.flarekv.app.Flarekv");
    cmd.addAll(
        List.of("serve", "--port", "0", "--binding-port", "0", "--data-dir", file.toString()));
    Process p = new ProcessBuilder(cmd).start();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    p.getErrorStream().transferTo(err);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isNotZero();
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertThat(stderr).contains("flarekv:").contains(file.toString()).doesNotContain("\tat ");
  }

  @Test
  void help_listsEveryServeFlag() {
    StringWriter sw = new StringWriter();
    CommandLine cmd = Flarekv.commandLine();
    cmd.setOut(new PrintWriter(sw));
    assertThat(cmd.execute("serve", "--help")).isZero();
    assertThat(sw.toString())
        .contains("--host")
        .contains("--port")
        .contains("--data-dir")
        .contains("--api-token")
        .contains("--sync")
        .contains("--sweep-interval")
        .contains("--binding-port")
        .contains("--binding-namespace")
        .contains("--shutdown-timeout");
  }
}
