package dev.flarekv.server;

import static dev.flarekv.server.testkit.TestServer.encodeURIComponent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A11-A13: bulk write, delete and read (B1-B3) and conformance cases 59-70. */
class BulkApiTest extends NamespaceApiTest {
  static final long NOW = TestServer.NOW_SECONDS;

  Reply value(String key) {
    return server.get(base + "/values/" + encodeURIComponent(key));
  }

  @Test
  void put_plainAndBase64() {
    Reply r =
        server.putJson(
            base + "/bulk",
            "[{\"key\":\"hello\",\"value\":\"world\"},"
                + "{\"key\":\"enc\",\"value\":\"c29tZSByYXcgZGF0YQ==\",\"base64\":true}]");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.result().path("successful_key_count").asInt()).isEqualTo(2);
    assertThat(r.result().path("unsuccessful_keys").size()).isZero();
    assertThat(value("hello").text()).isEqualTo("world");
    assertThat(value("enc").body()).isEqualTo("some raw data".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void put_ttlWinsOverExpiration_andMetadataIsKept() {
    server.putJson(
        base + "/bulk",
        "[{\"key\":\"t\",\"value\":\"v\",\"expiration_ttl\":120,\"expiration\":5,"
            + "\"metadata\":{\"m\":[1,2]}}]");
    assertThat(value("t").headers().firstValue("expiration")).hasValue(Long.toString(NOW + 120));
    assertThat(server.get(base + "/metadata/t").result().toString()).isEqualTo("{\"m\":[1,2]}");
  }

  @Test
  void put_tenThousandAccepted_tenThousandAndOneRejected() {
    StringBuilder ok = new StringBuilder("[");
    for (int i = 0; i < 10_000; i++) {
      ok.append(i == 0 ? "" : ",").append("{\"key\":\"k").append(i).append("\",\"value\":\"v\"}");
    }
    String tenK = ok.append("]").toString();
    assertThat(server.putJson(base + "/bulk", tenK).result().path("successful_key_count").asInt())
        .isEqualTo(10_000);
    String over = tenK.substring(0, tenK.length() - 1) + ",{\"key\":\"extra\",\"value\":\"v\"}]";
    Reply r = server.putJson(base + "/bulk", over);
    assertThat(r.status()).isEqualTo(400);
    assertThat(value("extra").status()).isEqualTo(404);
  }

  @Test
  void put_oneInvalidItem_rejectsAllAndStoresNothing() {
    Reply r =
        server.putJson(
            base + "/bulk",
            "[{\"key\":\"good\",\"value\":\"v\"},{\"key\":\"bad\",\"value\":\"v\","
                + "\"expiration_ttl\":30}]");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorMessage())
        .contains("Invalid expiration_ttl of 30. Expiration TTL must be at least 60.");
    assertThat(value("good").status()).isEqualTo(404);
  }

  @Test
  void put_malformedBodies_are400() {
    for (String body :
        new String[] {
          "not json",
          "{}",
          "[1]",
          "[{\"key\":\"a\"}]",
          "[{\"value\":\"a\"}]",
          "[{\"key\":\"\",\"value\":\"a\"}]",
          "[{\"key\":\"a\",\"value\":\"!!\",\"base64\":true}]",
          "[{\"key\":\"a\",\"value\":1}]",
          "[{\"key\":\"a\",\"value\":\"v\",\"expiration_ttl\":1.5}]",
          "[" + "[".repeat(1000) + "]".repeat(1000) + "]"
        }) {
      Reply r = server.putJson(base + "/bulk", body);
      assertThat(r.status()).as(body.length() > 80 ? body.substring(0, 80) : body).isEqualTo(400);
    }
    assertThat(server.get(base + "/keys").result().size()).isZero();
  }

  @Test
  void delete_bothForms_missingKeysIgnored() {
    server.putJson(
        base + "/bulk",
        "[{\"key\":\"a\",\"value\":\"1\"},{\"key\":\"b\",\"value\":\"2\"},"
            + "{\"key\":\"c\",\"value\":\"3\"},{\"key\":\"d\",\"value\":\"4\"}]");
    Reply post = server.postJson(base + "/bulk/delete", "[\"a\",\"b\",\"missing\"]");
    assertThat(post.status()).isEqualTo(200);
    assertThat(post.result().path("successful_key_count").asInt()).isEqualTo(3);
    Reply old = server.deleteJson(base + "/bulk", "[\"c\"]");
    assertThat(old.status()).isEqualTo(200);
    assertThat(value("a").status()).isEqualTo(404);
    assertThat(value("b").status()).isEqualTo(404);
    assertThat(value("c").status()).isEqualTo(404);
    assertThat(value("d").text()).isEqualTo("4");
  }

  @Test
  void get_textJsonAndMissing() {
    server.putJson(
        base + "/bulk",
        "[{\"key\":\"key1\",\"value\":\"value1\"},{\"key\":\"example\",\"value\":\"{\\\"example\\\":\\\"ex\\\"}\"},"
            + "{\"key\":\"zero\",\"value\":\"0\"},{\"key\":\"f\",\"value\":\"false\"}]");
    Reply text = server.postJson(base + "/bulk/get", "{\"keys\":[\"key1\",\"key2\"]}");
    assertThat(text.status()).isEqualTo(200);
    assertThat(text.result().path("values").toString())
        .isEqualTo("{\"key1\":\"value1\",\"key2\":null}");
    Reply json =
        server.postJson(
            base + "/bulk/get", "{\"keys\":[\"example\",\"zero\",\"f\"],\"type\":\"json\"}");
    assertThat(json.result().path("values").toString())
        .isEqualTo("{\"example\":{\"example\":\"ex\"},\"zero\":0,\"f\":false}");
    Reply notJson =
        server.postJson(base + "/bulk/get", "{\"keys\":[\"example\",\"key1\"],\"type\":\"json\"}");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.errorMessage())
        .isEqualTo("At least one of the requested keys corresponds to a non-json value");
  }

  @Test
  void get_withMetadata() {
    server.putJson(
        base + "/bulk",
        "[{\"key\":\"key1\",\"value\":\"v1\",\"metadata\":{\"testing\":true},\"expiration_ttl\":600},"
            + "{\"key\":\"key2\",\"value\":\"\"}]");
    Reply r =
        server.postJson(
            base + "/bulk/get", "{\"keys\":[\"key1\",\"key2\",\"key3\"],\"withMetadata\":true}");
    assertThat(r.result().path("values").toString())
        .isEqualTo(
            "{\"key1\":{\"value\":\"v1\",\"metadata\":{\"testing\":true},\"expiration\":"
                + (NOW + 600)
                + "},\"key2\":{\"value\":\"\",\"metadata\":null},\"key3\":null}");
  }

  @Test
  void get_validation() {
    assertThat(server.postJson(base + "/bulk/get", "{\"keys\":[]}").errorMessage())
        .isEqualTo("You must request a minimum of 1 key");
    StringBuilder keys = new StringBuilder();
    for (int i = 0; i < 101; i++) {
      keys.append(i == 0 ? "" : ",").append("\"k").append(i).append('"');
    }
    Reply over = server.postJson(base + "/bulk/get", "{\"keys\":[" + keys + "]}");
    assertThat(over.status()).isEqualTo(400);
    assertThat(over.errorMessage()).isEqualTo("You can request a maximum of 100 keys");
    String hundred = keys.substring(0, keys.lastIndexOf(","));
    assertThat(server.postJson(base + "/bulk/get", "{\"keys\":[" + hundred + "]}").status())
        .isEqualTo(200);
    Reply type = server.postJson(base + "/bulk/get", "{\"keys\":[\"a\"],\"type\":\"invalid\"}");
    assertThat(type.errorMessage())
        .isEqualTo("\"invalid\" is not a valid type. Use \"json\" or \"text\"");
    assertThat(server.postJson(base + "/bulk/get", "{\"keys\":\"a\"}").status()).isEqualTo(400);
    assertThat(server.postJson(base + "/bulk/get", "[\"a\"]").status()).isEqualTo(400);
  }

  @Test
  void get_totalOver25MiB_is413() {
    String big = "x".repeat(13 * 1024 * 1024);
    server.put(base + "/values/a", big);
    server.put(base + "/values/b", big);
    Reply r = server.postJson(base + "/bulk/get", "{\"keys\":[\"a\",\"b\"]}");
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorMessage()).isEqualTo("Total size of request exceeds the limit of 25MB");
  }
}
