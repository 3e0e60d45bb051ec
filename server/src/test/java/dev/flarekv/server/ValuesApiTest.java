package dev.flarekv.server;

import static dev.flarekv.server.testkit.TestServer.encodeURIComponent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.server.testkit.RawHttp;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.SubmissionPublisher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A7-A10: value read, write (raw and multipart), delete and metadata. */
class ValuesApiTest extends NamespaceApiTest {
  static final long NOW = TestServer.NOW_SECONDS;

  String value(String key) {
    return base + "/values/" + encodeURIComponent(key);
  }

  @Test
  void put_thenGet_returnsRawBytesWithoutEnvelope() {
    Reply put = server.put(value("k"), "hello");
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.json().path("success").asBoolean()).isTrue();
    Reply get = server.get(value("k"));
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.text()).isEqualTo("hello");
    assertThat(get.headers().firstValue("content-type")).hasValue("application/octet-stream");
    assertThat(get.headers().firstValue("expiration")).isEmpty();
  }

  @Test
  void get_missingKey_is404With10009() {
    Reply r = server.get(value("nope"));
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().path("success").asBoolean()).isFalse();
    assertThat(r.errorCode()).isEqualTo(10009);
    assertThat(r.json().path("result").isNull()).isTrue();
  }

  @Test
  void binaryValue_roundTripsExactly() {
    byte[] bytes = new byte[256];
    for (int i = 0; i < 256; i++) {
      bytes[i] = (byte) i;
    }
    server.put(value("bin"), bytes);
    assertThat(server.get(value("bin")).body()).isEqualTo(bytes);
  }

  @Test
  void emptyValue_isStoredAndReturned() {
    assertThat(server.put(value("empty"), new byte[0]).status()).isEqualTo(200);
    Reply r = server.get(value("empty"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
  }

  @Test
  void valueSize_exactLimitAccepted_oneMoreRejectedAndNothingStored() {
    byte[] max = new byte[26_214_400];
    Arrays.fill(max, (byte) 'x');
    assertThat(server.put(value("big"), max).status()).isEqualTo(200);
    assertThat(server.get(value("big")).body()).hasSize(26_214_400);

    byte[] over = new byte[26_214_401];
    Reply r = server.put(value("too-big"), over);
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorMessage()).isEqualTo("Value length of 26214401 exceeds limit of 26214400.");
    assertThat(server.get(value("too-big")).status()).isEqualTo(404);
    // an existing key is not replaced by a rejected write
    assertThat(server.put(value("big"), over).status()).isEqualTo(413);
    assertThat(server.get(value("big")).body()).hasSize(26_214_400);
  }

  @Test
  void valueSize_streamedWithoutContentLength_reportsRealLength() {
    // a chunked body (no Content-Length), as a ReadableStream put sends it
    byte[] chunk = new byte[1 << 20];
    int chunks = 25;
    HttpRequest.BodyPublisher chunked =
        HttpRequest.BodyPublishers.fromPublisher(
            subscriber -> {
              SubmissionPublisher<java.nio.ByteBuffer> p = new SubmissionPublisher<>();
              p.subscribe(subscriber);
              for (int i = 0; i < chunks; i++) {
                p.submit(java.nio.ByteBuffer.wrap(chunk));
              }
              p.submit(java.nio.ByteBuffer.wrap(new byte[1]));
              p.close();
            });
    Reply r = server.send("PUT", value("stream"), chunked);
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorMessage())
        .isEqualTo("Value length of " + (chunks * (1 << 20) + 1) + " exceeds limit of 26214400.");
    assertThat(server.get(value("stream")).status()).isEqualTo(404);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a/b?c#d e%f:!",
        "dir/sub key?&#%.txt",
        "key:with:colons",
        "ünïcödé 😀",
        "...",
        ".a",
        "a..b",
        "back\\slash",
        "plus+sign",
        "quote\"s'"
      })
  void anyKey_roundTripsThroughPercentEncoding(String key) {
    assertThat(server.put(value(key), "v:" + key).status()).isEqualTo(200);
    assertThat(server.get(value(key)).text()).isEqualTo("v:" + key);
    Reply list = server.get(base + "/keys");
    assertThat(list.result().path(0).path("name").asText()).isEqualTo(key);
    assertThat(server.delete(value(key)).status()).isEqualTo(200);
    assertThat(server.get(value(key)).status()).isEqualTo(404);
  }

  @Test
  void sdkStyleEncoding_withRawAmpersand_isDecoded() {
    server.put(base + "/values/dir%2Fa%20b%3F&%23%25", "sdk");
    assertThat(server.get(value("dir/a b?&#%")).text()).isEqualTo("sdk");
  }

  @Test
  void keysAreCaseSensitive() {
    server.put(value("key"), "lower");
    server.put(value("KEY"), "upper");
    assertThat(server.get(value("key")).text()).isEqualTo("lower");
    assertThat(server.get(value("KEY")).text()).isEqualTo("upper");
  }

  @Test
  void key_512BytesAccepted_513Rejected414() {
    String ok = "x".repeat(512);
    assertThat(server.put(value(ok), "v").status()).isEqualTo(200);
    Reply r = server.put(value("x".repeat(513)), "v");
    assertThat(r.status()).isEqualTo(414);
    assertThat(r.errorMessage())
        .isEqualTo("UTF-8 encoded length of 513 exceeds key length limit of 512.");
    Reply accents = server.put(value("é".repeat(257)), "v");
    assertThat(accents.status()).isEqualTo(414);
    assertThat(accents.errorMessage())
        .isEqualTo("UTF-8 encoded length of 514 exceeds key length limit of 512.");
    assertThat(server.get(value("x".repeat(513))).status()).isEqualTo(414);
    assertThat(server.delete(value("x".repeat(513))).status()).isEqualTo(414);
  }

  @Test
  void dotKeys_areRejected() {
    Reply dot = server.put(base + "/values/%2E", "v");
    assertThat(dot.status()).isEqualTo(400);
    assertThat(dot.errorMessage())
        .isEqualTo("Illegal key name \".\". Please use a different name.");
    Reply dotdot = server.put(base + "/values/%2E%2E", "v");
    assertThat(dotdot.errorMessage())
        .isEqualTo("Illegal key name \"..\". Please use a different name.");
    assertThat(server.get(base + "/keys").result().size()).isZero();
  }

  @Test
  void badPercentEncoding_is400() throws Exception {
    for (String raw : List.of("%E0%A4%A", "%FF%FE", "abc%", "%zz")) {
      try (RawHttp http = new RawHttp(server.port())) {
        http.write(
            "PUT "
                + base
                + "/values/"
                + raw
                + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + TestServer.TOKEN
                + "\r\nContent-Length: 1\r\n\r\nv");
        RawHttp.Response r = http.read();
        assertThat(r.status()).as(raw).isEqualTo(400);
        assertThat(r.text()).contains("Could not URL-decode key name");
      }
    }
    assertThat(server.get(base + "/keys").result().size()).isZero();
  }

  @Test
  void expirationTtl_isReportedAsAbsoluteHeader() {
    Reply put = server.put(value("ttl") + "?expiration_ttl=500", "v");
    assertThat(put.status()).isEqualTo(200);
    Reply get = server.get(value("ttl"));
    assertThat(get.headers().firstValue("expiration")).hasValue(Long.toString(NOW + 500));
    Reply list = server.get(base + "/keys");
    assertThat(list.result().get(0).path("expiration").asLong()).isEqualTo(NOW + 500);
  }

  @Test
  void expiration_isInvisibleFromTheInstantItIsReached() {
    server.put(value("e") + "?expiration_ttl=60", "v");
    server.clock().setMillis((NOW + 59) * 1000);
    assertThat(server.get(value("e")).status()).isEqualTo(200);
    server.clock().setMillis((NOW + 60) * 1000 - 1);
    assertThat(server.get(value("e")).status()).isEqualTo(200);
    server.clock().setMillis((NOW + 60) * 1000);
    Reply gone = server.get(value("e"));
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.errorCode()).isEqualTo(10009);
    assertThat(server.get(base + "/metadata/e").status()).isEqualTo(404);
    assertThat(server.get(base + "/keys").result().size()).isZero();
    assertThat(
            server
                .postJson(base + "/bulk/get", "{\"keys\":[\"e\"]}")
                .result()
                .path("values")
                .path("e")
                .isNull())
        .isTrue();
  }

  @Test
  void ttlWinsOverExpiration_evenWhenExpirationIsInvalid() {
    Reply r = server.put(value("both") + "?expiration_ttl=120&expiration=5", "v");
    assertThat(r.status()).isEqualTo(200);
    assertThat(server.get(value("both")).headers().firstValue("expiration"))
        .hasValue(Long.toString(NOW + 120));
  }

  @Test
  void expirationValidation_messagesAndBoundaries() {
    assertError(
        value("a") + "?expiration_ttl=30",
        400,
        "Invalid expiration_ttl of 30. Expiration TTL must be at least 60.");
    assertError(
        value("a") + "?expiration_ttl=0",
        400,
        "Invalid expiration_ttl of 0. Please specify integer greater than 0.");
    assertError(
        value("a") + "?expiration_ttl=abc",
        400,
        "Invalid expiration_ttl of abc. Please specify integer greater than 0.");
    assertError(
        value("a") + "?expiration=" + NOW,
        400,
        "Invalid expiration of "
            + NOW
            + ". Please specify integer greater than the current number of seconds since the"
            + " UNIX epoch.");
    assertError(
        value("a") + "?expiration=" + (NOW + 30),
        400,
        "Invalid expiration of "
            + (NOW + 30)
            + ". Expiration times must be at least 60 seconds in the future.");
    assertError(
        value("a") + "?expiration=" + (NOW + 59),
        400,
        "Invalid expiration of "
            + (NOW + 59)
            + ". Expiration times must be at least 60 seconds in the future.");
    assertThat(server.get(base + "/keys").result().size()).isZero();
    assertThat(server.put(value("a") + "?expiration=" + (NOW + 60), "v").status()).isEqualTo(200);
    assertThat(server.put(value("b") + "?expiration_ttl=60", "v").status()).isEqualTo(200);
    assertThat(server.put(value("c") + "?expiration_ttl=99999999999999999999", "v").status())
        .isEqualTo(400);
    assertThat(server.put(value("c") + "?expiration_ttl=-5", "v").status()).isEqualTo(400);
    assertThat(server.put(value("c") + "?expiration_ttl=60.5", "v").status()).isEqualTo(400);
  }

  private void assertError(String path, int status, String message) {
    Reply r = server.put(path, "v");
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.errorMessage()).isEqualTo(message);
  }

  @Test
  void putWithoutOptions_clearsMetadataAndExpiration() {
    multipart(
        value("k") + "?expiration_ttl=600",
        List.of(
            part("value", null, null, "v1".getBytes(StandardCharsets.UTF_8)),
            part("metadata", null, null, "{\"a\":1}".getBytes(StandardCharsets.UTF_8))));
    assertThat(server.get(base + "/metadata/k").result().path("a").asInt()).isEqualTo(1);
    server.put(value("k"), "v2");
    Reply meta = server.get(base + "/metadata/k");
    assertThat(meta.status()).isEqualTo(200);
    assertThat(meta.result().isNull()).isTrue();
    assertThat(server.get(value("k")).headers().firstValue("expiration")).isEmpty();
    assertThat(server.get(base + "/keys").result().get(0).has("expiration")).isFalse();
    assertThat(server.get(base + "/keys").result().get(0).has("metadata")).isFalse();
  }

  @Test
  void multipart_wranglerStyle_storesValueAndMetadata() {
    Reply r =
        multipart(
            value("m"),
            List.of(
                part("value", null, null, "v".getBytes(StandardCharsets.UTF_8)),
                part(
                    "metadata",
                    null,
                    null,
                    "{\"owner\":\"me\",\"n\":1}".getBytes(StandardCharsets.UTF_8))));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(server.get(value("m")).text()).isEqualTo("v");
    Reply meta = server.get(base + "/metadata/m");
    assertThat(meta.result().path("owner").asText()).isEqualTo("me");
    assertThat(meta.result().path("n").asInt()).isEqualTo(1);
    Reply list = server.get(base + "/keys");
    assertThat(list.result().get(0).path("metadata").path("owner").asText()).isEqualTo("me");
  }

  @Test
  void multipart_binaryFilePart_isStoredExactly() {
    byte[] bytes = new byte[4096];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31);
    }
    // include CRLF and "--" sequences that look like boundaries
    byte[] tricky = "\r\n--\r\n--x--\r\n".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(tricky, 0, bytes, 100, tricky.length);
    Reply r =
        multipart(
            value("file"),
            List.of(
                part("value", "blob.bin", "application/octet-stream", bytes),
                part("metadata", null, null, "[1,2,3]".getBytes(StandardCharsets.UTF_8))));
    assertThat(r.status()).isEqualTo(200);
    assertThat(server.get(value("file")).body()).isEqualTo(bytes);
    assertThat(server.get(base + "/metadata/file").result().toString()).isEqualTo("[1,2,3]");
  }

  @Test
  void multipart_sdkBracketMetadata_isRebuiltWithStringLeaves() {
    Reply r =
        multipart(
            value("sdk"),
            List.of(
                part("value", null, null, "v".getBytes(StandardCharsets.UTF_8)),
                part("metadata[owner]", null, null, "sdk".getBytes(StandardCharsets.UTF_8)),
                part("metadata[n]", null, null, "1".getBytes(StandardCharsets.UTF_8)),
                part("metadata[nested][x][]", null, null, "1".getBytes(StandardCharsets.UTF_8)),
                part("metadata[nested][x][]", null, null, "2".getBytes(StandardCharsets.UTF_8))));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(server.get(base + "/metadata/sdk").result().toString())
        .isEqualTo("{\"owner\":\"sdk\",\"n\":\"1\",\"nested\":{\"x\":[\"1\",\"2\"]}}");
  }

  @Test
  void multipart_metadataTooLarge_is413AndNothingStored() {
    String big = "{\"key\":\"" + "x".repeat(1024 - 10) + "\"}";
    assertThat(big.getBytes(StandardCharsets.UTF_8)).hasSize(1024);
    assertThat(
            multipart(
                    value("ok"),
                    List.of(
                        part("value", null, null, new byte[] {1}),
                        part("metadata", null, null, big.getBytes(StandardCharsets.UTF_8))))
                .status())
        .isEqualTo(200);
    String over = "{\"key\":\"" + "x".repeat(1025 - 10) + "\"}";
    Reply r =
        multipart(
            value("over"),
            List.of(
                part("value", null, null, new byte[] {1}),
                part("metadata", null, null, over.getBytes(StandardCharsets.UTF_8))));
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorMessage()).isEqualTo("Metadata length of 1025 exceeds limit of 1024.");
    assertThat(server.get(value("over")).status()).isEqualTo(404);
  }

  @Test
  void multipart_invalidMetadataJson_is400() {
    Reply r =
        multipart(
            value("bad"),
            List.of(
                part("value", null, null, new byte[] {1}),
                part("metadata", null, null, "{not json".getBytes(StandardCharsets.UTF_8))));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorMessage()).isEqualTo("Invalid metadata JSON");
    assertThat(server.get(value("bad")).status()).isEqualTo(404);
  }

  @Test
  void multipart_withoutValuePart_is400() {
    Reply r =
        multipart(
            value("novalue"),
            List.of(part("metadata", null, null, "{}".getBytes(StandardCharsets.UTF_8))));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorMessage()).isEqualTo("Missing value field");
  }

  @Test
  void multipart_garbage_is400NotServerError() {
    Reply r =
        server.send(
            "PUT",
            value("g"),
            HttpRequest.BodyPublishers.ofString("garbage"),
            "Content-Type",
            "multipart/form-data; boundary=XYZ");
    assertThat(r.status()).isBetween(400, 499);
    Reply noBoundary =
        server.send(
            "PUT",
            value("g"),
            HttpRequest.BodyPublishers.ofString("x"),
            "Content-Type",
            "multipart/form-data");
    assertThat(noBoundary.status()).isBetween(400, 499);
  }

  @Test
  void metadata_ofScalarValues() {
    for (String m : List.of("123", "\"example\"", "true", "[1,\"a\"]")) {
      multipart(
          value("s"),
          List.of(
              part("value", null, null, new byte[0]),
              part("metadata", null, null, m.getBytes(StandardCharsets.UTF_8))));
      assertThat(server.get(base + "/metadata/s").result().toString()).isEqualTo(m);
    }
  }

  @Test
  void delete_missingKey_succeeds() {
    Reply r = server.delete(value("never"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("success").asBoolean()).isTrue();
  }

  @Test
  void rawBody_anyContentType_isTheValue() {
    Reply r =
        server.send(
            "PUT",
            value("ct"),
            HttpRequest.BodyPublishers.ofString("{\"json\":true}"),
            "Content-Type",
            "application/json");
    assertThat(r.status()).isEqualTo(200);
    assertThat(server.get(value("ct")).text()).isEqualTo("{\"json\":true}");
    HttpRequest noType =
        HttpRequest.newBuilder(URI.create(server.origin() + value("nt")))
            .header("Authorization", "Bearer " + TestServer.TOKEN)
            .PUT(HttpRequest.BodyPublishers.ofString("plain"))
            .build();
    assertThat(server.send(noType).status()).isEqualTo(200);
    assertThat(server.get(value("nt")).text()).isEqualTo("plain");
  }

  // ---------------------------------------------------------------- multipart helpers

  record Part(String name, String filename, String contentType, byte[] body) {}

  static Part part(String name, String filename, String contentType, byte[] body) {
    return new Part(name, filename, contentType, body);
  }

  Reply multipart(String path, List<Part> parts) {
    String boundary = "----flarekvBoundary7MA4YWxkTrZu0gW";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Iterator<Part> it = parts.iterator();
    while (it.hasNext()) {
      Part p = it.next();
      StringBuilder h = new StringBuilder();
      h.append("--").append(boundary).append("\r\n");
      h.append("Content-Disposition: form-data; name=\"").append(p.name()).append('"');
      if (p.filename() != null) {
        h.append("; filename=\"").append(p.filename()).append('"');
      }
      h.append("\r\n");
      if (p.contentType() != null) {
        h.append("Content-Type: ").append(p.contentType()).append("\r\n");
      }
      h.append("\r\n");
      out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
      out.writeBytes(p.body());
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return server.send(
        "PUT",
        path,
        HttpRequest.BodyPublishers.ofByteArray(out.toByteArray()),
        "Content-Type",
        "multipart/form-data; boundary=" + boundary);
  }
}
