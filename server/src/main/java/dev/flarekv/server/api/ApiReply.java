package dev.flarekv.server.api;

import dev.flarekv.protocol.envelope.ApiResponse;
import dev.flarekv.protocol.envelope.ResultInfo;
import dev.flarekv.protocol.error.ErrorCode;
import java.util.Map;

/**
 * What an endpoint answers: either a JSON body (usually the Cloudflare envelope) or raw bytes, with
 * a status and extra headers.
 *
 * @param status the HTTP status
 * @param reason the reason phrase, or null for the standard one. The binding surface carries its
 *     error messages here, because workerd shows the reason phrase to the Worker.
 * @param contentType the content type of {@code body}
 * @param body the bytes to send (not copied)
 * @param headers extra response headers
 * @param stream null for a whole reply; else the reply is a head and then a long-lived stream of
 *     chunks ({@link #stream}), and {@code body} is empty
 */
public record ApiReply(
    int status,
    String reason,
    String contentType,
    byte[] body,
    Map<String, String> headers,
    EventStream stream) {

  /** A whole reply. */
  public ApiReply(
      int status, String reason, String contentType, byte[] body, Map<String, String> headers) {
    this(status, reason, contentType, body, headers, null);
  }

  /** A reply with the standard reason phrase. */
  public ApiReply(int status, String contentType, byte[] body, Map<String, String> headers) {
    this(status, null, contentType, body, headers, null);
  }

  /**
   * 200 with a Server-Sent Events stream: the head, then whatever {@code stream} produces, until
   * the connection closes (docs/state.md, "Change feed").
   */
  public static ApiReply stream(EventStream stream) {
    return new ApiReply(
        200,
        null,
        "text/event-stream; charset=utf-8",
        new byte[0],
        Map.of("cache-control", "no-cache"),
        java.util.Objects.requireNonNull(stream, "stream"));
  }

  static final String JSON = "application/json";
  static final String OCTETS = "application/octet-stream";

  /** 200 with the success envelope around {@code result}. */
  public static ApiReply ok(Object result) {
    return new ApiReply(200, JSON, ApiResponse.ok(result).toJson(), Map.of());
  }

  /** 200 with the success envelope and {@code result_info}. */
  public static ApiReply ok(Object result, ResultInfo info) {
    return new ApiReply(200, JSON, ApiResponse.ok(result, info).toJson(), Map.of());
  }

  /** The failure envelope with the code's status. */
  public static ApiReply error(ErrorCode code, String message) {
    return new ApiReply(
        code.httpStatus(), JSON, ApiResponse.error(code, message).toJson(), Map.of());
  }

  /** 200 with raw bytes and no envelope. */
  public static ApiReply bytes(byte[] body, Map<String, String> headers) {
    return new ApiReply(200, OCTETS, body, headers);
  }

  /** 200 with a JSON document that is not an envelope. */
  public static ApiReply json(byte[] body) {
    return new ApiReply(200, JSON, body, Map.of());
  }

  /** A reply with extra headers. */
  public ApiReply withHeaders(Map<String, String> extra) {
    return new ApiReply(status, reason, contentType, body, extra, stream);
  }
}
