package dev.flarekv.server.testkit;

import java.nio.charset.StandardCharsets;

/**
 * A wrangler-style {@code multipart/form-data} body: a {@code value} and a {@code metadata} part.
 */
public final class MultipartBody {
  public static final String BOUNDARY = "----flarekvTestBoundary";
  public static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

  private MultipartBody() {}

  public static byte[] of(String valueName, String value, String metadataJson) {
    String body =
        "--"
            + BOUNDARY
            + "\r\nContent-Disposition: form-data; name=\""
            + valueName
            + "\"\r\n\r\n"
            + value
            + "\r\n--"
            + BOUNDARY
            + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n"
            + metadataJson
            + "\r\n--"
            + BOUNDARY
            + "--\r\n";
    return body.getBytes(StandardCharsets.UTF_8);
  }
}
