package dev.flarekv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.server.testkit.MultipartBody;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

/**
 * Metadata is any JSON value within 1,024 bytes (docs/kv-semantics.md M1, M2), however deeply it
 * nests: the deepest that fits is 512 levels. Checked on every surface that takes metadata.
 */
class MetadataDepthTest extends NamespaceApiTest {
  /** A 100-deep array of 200 bytes, as a client may legitimately send. */
  static final String DEEP_100 = nested(100);

  /** The deepest metadata there is: 512 levels, exactly 1,024 bytes. */
  static final String DEEP_512 = nested(512);

  static String nested(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  String metadataOf(String key) {
    return server.get(base + "/metadata/" + key).result().toString();
  }

  @Test
  void bulkPut_acceptsDeepMetadataWithinTheSizeLimit() {
    Reply r =
        server.putJson(
            base + "/bulk",
            "[{\"key\":\"a\",\"value\":\"v\",\"metadata\":"
                + DEEP_100
                + "},{\"key\":\"b\",\"value\":\"v\",\"metadata\":"
                + DEEP_512
                + "}]");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(metadataOf("a")).isEqualTo(DEEP_100);
    assertThat(metadataOf("b")).isEqualTo(DEEP_512);
  }

  @Test
  void bulkPut_tooDeepToFitIsRefusedForItsSize() {
    Reply r =
        server.putJson(
            base + "/bulk", "[{\"key\":\"c\",\"value\":\"v\",\"metadata\":" + nested(513) + "}]");
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorMessage()).contains("Metadata length of 1026 exceeds limit of 1024.");
    assertThat(server.get(base + "/values/c").status()).isEqualTo(404);
  }

  @Test
  void multipartPut_acceptsDeepMetadata() {
    Reply r =
        server.send(
            "PUT",
            base + "/values/m",
            HttpRequest.BodyPublishers.ofByteArray(MultipartBody.of("value", "v", DEEP_100)),
            "Content-Type",
            MultipartBody.CONTENT_TYPE);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(metadataOf("m")).isEqualTo(DEEP_100);
  }

  @Test
  void bindingPut_acceptsDeepMetadataHeader() {
    String id = base.substring(base.lastIndexOf('/') + 1);
    Reply r =
        server.binding(
            "PUT",
            "/h?urlencoded=true",
            HttpRequest.BodyPublishers.ofString("v"),
            "Authorization",
            "Bearer " + TestServer.TOKEN,
            "X-Flarekv-Namespace",
            id,
            "CF-KV-Metadata",
            DEEP_512);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(metadataOf("h")).isEqualTo(DEEP_512);
  }
}
