package dev.flarekv.bench.load;

import io.netty.handler.codec.http.HttpMethod;

/**
 * One HTTP request of a workload, with its request line and headers already encoded, so sending it
 * is one write of two byte arrays and no per-request encoding.
 *
 * @param method the method
 * @param uri the request target (path and query), already percent-encoded
 * @param body the body, or an empty array
 * @param contentType the content type, or null for none
 * @param notFoundOk whether a 404 counts as a success (a counter that does not exist yet)
 * @param head the encoded request line and headers, up to and including the empty line
 */
public record Req(
    HttpMethod method,
    String uri,
    byte[] body,
    String contentType,
    boolean notFoundOk,
    byte[] head) {
  static final byte[] NO_BODY = new byte[0];

  /** Whether the status is the expected answer. */
  public boolean ok(int status) {
    return (status >= 200 && status < 300) || (notFoundOk && status == 404);
  }
}
