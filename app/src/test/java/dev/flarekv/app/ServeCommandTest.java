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
import java.util.Map;
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

  /** Exit code and stderr of a {@code flarekv serve} that must refuse to start. */
  record Refusal(int exit, String stderr) {}

  Refusal refusedStart(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.flarekv.app.Flarekv");
    cmd.add("serve");
    cmd.addAll(
        List.of(
            "--port", "0", "--binding-port", "0", "--data-dir", dir.resolve("data").toString()));
    cmd.addAll(List.of(args));
    Path stderr = Files.createTempFile(dir, "stderr", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(stderr.toFile());
    pb.environment().remove("FLAREKV_API_TOKEN");
    pb.environment().remove("FLAREKV_METRICS_TOKEN");
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("refused and exited").isTrue();
      return new Refusal(p.exitValue(), Files.readString(stderr, StandardCharsets.UTF_8));
    } finally {
      p.destroyForcibly(); // a start that was not refused keeps serving
    }
  }

  @Test
  void serve_withABlankApiTokenFlag_refusesToStart_inOneLine() throws Exception {
    // what `--api-token "$TOKEN"` with TOKEN unset passes
    for (String blank : List.of("", "  ")) {
      Refusal r = refusedStart(Map.of(), "--api-token", blank);
      assertThat(r.exit()).isNotZero();
      assertThat(r.stderr())
          .startsWith("flarekv: --api-token is empty or only whitespace")
          .doesNotContain("\tat ");
    }
    Refusal metrics = refusedStart(Map.of(), "--api-token", "secret", "--metrics-token", "");
    assertThat(metrics.exit()).isNotZero();
    assertThat(metrics.stderr()).startsWith("flarekv: --metrics-token is empty or only whitespace");
    assertThat(Files.exists(dir.resolve("data"))).isFalse();
  }

  @Test
  void serve_withABlankTokenVariable_refusesToStart() throws Exception {
    Refusal api = refusedStart(Map.of("FLAREKV_API_TOKEN", " \t "));
    assertThat(api.exit()).isNotZero();
    assertThat(api.stderr()).startsWith("flarekv: FLAREKV_API_TOKEN is empty or only whitespace");
    Refusal metrics = refusedStart(Map.of("FLAREKV_METRICS_TOKEN", " "), "--api-token", "secret");
    assertThat(metrics.exit()).isNotZero();
    assertThat(metrics.stderr())
        .startsWith("flarekv: FLAREKV_METRICS_TOKEN is empty or only whitespace");
  }

  @Test
  void serve_withAnEmptyTokenVariable_runsWithoutOne_soNeverOnANonLoopbackAddress()
      throws Exception {
    Refusal r = refusedStart(Map.of("FLAREKV_API_TOKEN", ""), "--host", "0.0.0.0");
    assertThat(r.exit()).isNotZero();
    assertThat(r.stderr())
        .startsWith(
            "flarekv: refusing to bind to non-loopback address 0.0.0.0 without an API token");
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
        .contains("--metrics-token")
        .contains("--sync")
        .contains("--sweep-interval")
        .contains("--binding-port")
        .contains("--binding-namespace")
        .contains("--shutdown-timeout");
  }
}
