package dev.flarekv.server.modes.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.server.modes.Modes;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /flarekv/v1/faults}: adding, listing and removing rules, bad rules, the start file. */
class FaultsControlTest {
  @TempDir Path dir;
  FaultsHarness h;

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  FaultsHarness start() {
    h = FaultsHarness.start(dir.resolve("data"), Modes.OFF);
    return h;
  }

  @Test
  void addListRemoveClear() {
    start();
    Reply added =
        h.server.postJson(
            "/flarekv/v1/faults",
            "{\"prefix\":\"session:\",\"ops\":[\"put\",\"get\"],\"surface\":\"binding\","
                + "\"status\":503,\"latency_ms\":20,\"probability\":0.5,\"count\":3,"
                + "\"namespace\":\""
                + h.ns
                + "\"}");
    assertThat(added.status()).as(added.toString()).isEqualTo(200);
    assertThat(added.result().toString())
        .isEqualTo(
            "{\"id\":\"f1\",\"namespace\":\""
                + h.ns
                + "\",\"prefix\":\"session:\",\"ops\":[\"get\",\"put\"],"
                + "\"surface\":\"binding\",\"status\":503,\"latency_ms\":20,"
                + "\"probability\":0.5,\"count\":3,\"fired\":0,\"active\":true}");
    Reply second = h.server.postJson("/flarekv/v1/faults", "{\"latency_ms\":5}");
    assertThat(second.result().toString())
        .isEqualTo(
            "{\"id\":\"f2\",\"latency_ms\":5,\"probability\":1.0,\"fired\":0,\"active\":true}");

    Reply list = h.rules();
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.result().size()).isEqualTo(2);
    assertThat(list.result().path(0).path("id").asText()).isEqualTo("f1");
    assertThat(list.result().path(1).path("id").asText()).isEqualTo("f2");

    Reply removed = h.server.delete("/flarekv/v1/faults/f1");
    assertThat(removed.status()).isEqualTo(200);
    assertThat(removed.result().path("id").asText()).isEqualTo("f1");
    Reply unknown = h.server.delete("/flarekv/v1/faults/f1");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().path("success").booleanValue()).isFalse();
    assertThat(unknown.errorMessage()).contains("\"f1\"").contains("GET /flarekv/v1/faults");
    assertThat(h.rules().result().size()).isEqualTo(1);

    assertThat(h.addRule("{\"status\":500}")).isEqualTo("f3"); // ids are never reused
    Reply cleared = h.server.delete("/flarekv/v1/faults");
    assertThat(cleared.status()).isEqualTo(200);
    assertThat(cleared.result().size()).isEqualTo(2);
    assertThat(h.rules().result().size()).isZero();
  }

  @Test
  void malformedRulesGet400WithTheReason_andChangeNothing() {
    start();
    h.addRule("{\"status\":503}");
    String[][] cases = {
      {"{\"status\":503,\"colour\":\"red\"}", "unknown field \"colour\""},
      {"{\"status\":503,\"ops\":[\"get\",\"fetch\"]}", "unknown op \"fetch\""},
      {"{\"status\":503,\"ops\":[]}", "ops must be a non-empty array"},
      {"{\"status\":503,\"ops\":\"get\"}", "ops must be a non-empty array"},
      {"{\"status\":503,\"probability\":1.5}", "probability must be a number from 0 to 1"},
      {"{\"status\":503,\"probability\":-0.1}", "probability must be a number from 0 to 1"},
      {"{\"status\":503,\"probability\":\"half\"}", "probability must be a number from 0 to 1"},
      {"{\"latency_ms\":-5}", "latency_ms must be a whole number of milliseconds from 0"},
      {"{\"latency_ms\":60001}", "latency_ms must be a whole number of milliseconds from 0"},
      {"{\"latency_ms\":1.5}", "latency_ms must be a whole number"},
      {"{\"status\":200}", "status must be an HTTP error status from 400 to 599"},
      {"{\"status\":302}", "status must be an HTTP error status from 400 to 599"},
      {"{\"status\":600}", "status must be an HTTP error status from 400 to 599"},
      {"{\"prefix\":\"a\"}", "a fault rule needs a status"},
      {"{\"latency_ms\":0}", "a fault rule needs a status"},
      {"{}", "a fault rule needs a status"},
      {"{\"status\":503,\"namespace\":\"nope\"}", "namespace must be a namespace id"},
      {"{\"status\":503,\"surface\":\"grpc\"}", "surface must be \"rest\" or \"binding\""},
      {"{\"status\":503,\"count\":0}", "count must be a whole number of at least 1"},
      {"{\"status\":503,\"prefix\":7}", "prefix must be a string"},
      {"[{\"status\":503}]", "must be a JSON object"},
      {"{\"status\":", ""},
    };
    for (String[] c : cases) {
      Reply r = h.server.postJson("/flarekv/v1/faults", c[0]);
      assertThat(r.status()).as(c[0] + " -> " + r).isEqualTo(400);
      assertThat(r.errorCode()).as(c[0]).isEqualTo(10001);
      assertThat(r.errorMessage()).as(c[0]).contains(c[1]);
    }
    Reply list = h.rules();
    assertThat(list.result().size()).isEqualTo(1);
    assertThat(h.addRule("{\"status\":500}")).isEqualTo("f2"); // refusals took no id
  }

  @Test
  void changesNeedAnAllAccountsToken_readingDoesNot() {
    start();
    h.addRule("{\"status\":503}");
    String scoped = "Bearer " + FaultsHarness.SCOPED;
    Reply add =
        h.server.send(
            HttpRequest.newBuilder(java.net.URI.create(h.server.origin() + "/flarekv/v1/faults"))
                .header("Authorization", scoped)
                .header("Content-Type", "application/json")
                .POST(TestServer.json("{\"status\":500}"))
                .build());
    assertThat(add.status()).isEqualTo(403);
    for (String path : List.of("/flarekv/v1/faults", "/flarekv/v1/faults/f1")) {
      Reply del =
          h.server.send(
              HttpRequest.newBuilder(java.net.URI.create(h.server.origin() + path))
                  .header("Authorization", scoped)
                  .DELETE()
                  .build());
      assertThat(del.status()).as(path).isEqualTo(403);
    }
    Reply read =
        h.server.send(
            HttpRequest.newBuilder(java.net.URI.create(h.server.origin() + "/flarekv/v1/faults"))
                .header("Authorization", scoped)
                .build());
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.result().size()).isEqualTo(1);
  }

  @Test
  void aFaultsFileLoadsItsRulesAtStart() throws Exception {
    Path file = dir.resolve("faults.json");
    Files.writeString(
        file,
        "[{\"status\":503,\"ops\":[\"get\"],\"prefix\":\"cache:\",\"surface\":\"binding\"},\n"
            + " {\"latency_ms\":1,\"ops\":[\"list\"]}]");
    h = FaultsHarness.start(dir.resolve("data"), Modes.OFF.withFaultsFile(file));
    Reply rules = h.rules();
    assertThat(rules.result().size()).isEqualTo(2);
    assertThat(rules.result().path(0).path("id").asText()).isEqualTo("f1");
    assertThat(rules.result().path(1).path("latency_ms").asLong()).isEqualTo(1);
    h.restPut("cache:a", "v");
    assertThat(h.bindGet("cache:a").status()).isEqualTo(503);
    assertThat(h.restGet("cache:a").status()).isEqualTo(200);
  }

  @Test
  void aBadFaultsFileRefusesTheStart_namingTheFileAndTheRule() throws Exception {
    Path file = dir.resolve("faults.json");
    Files.writeString(file, "[{\"status\":503},{\"status\":503,\"ops\":[\"fetch\"]}]");
    Path data = dir.resolve("data");
    assertThatThrownBy(() -> FaultsHarness.start(data, Modes.OFF.withFaultsFile(file)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("faults file " + file + " rule 2: unknown op \"fetch\"");
    assertThat(Files.exists(data.resolve("CURRENT"))).isFalse(); // no store was opened

    Files.writeString(file, "{\"status\":503}");
    assertThatThrownBy(() -> FaultsHarness.start(data, Modes.OFF.withFaultsFile(file)))
        .hasMessage(
            "faults file " + file + " must hold a JSON array of fault rules (docs/modes.md)");
    Path missing = dir.resolve("missing.json");
    assertThatThrownBy(() -> FaultsHarness.start(data, Modes.OFF.withFaultsFile(missing)))
        .hasMessage("faults file " + missing + " does not exist");
  }
}
