package dev.flarekv.server.modes.faults;

import dev.flarekv.protocol.envelope.ApiError;
import dev.flarekv.protocol.envelope.ApiResponse;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.pipeline.KvOperation;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The answer of an operation a rule failed, as each surface's clients expect a real failure with
 * that status to look:
 *
 * <ul>
 *   <li>REST: the Cloudflare failure envelope with the rule's status and code {@link
 *       ErrorCode#INJECTED_FAULT}, whose message names the rule;
 *   <li>binding: the status with its standard reason phrase, which workerd shows to the Worker as
 *       {@code KV GET failed: 503 Service Unavailable}, and a text body naming the rule.
 * </ul>
 */
final class FaultReply {
  private FaultReply() {}

  static ApiReply of(KvOperation.Surface surface, FaultRule rule) {
    int status = rule.spec().status();
    String reason = HttpResponseStatus.valueOf(status).reasonPhrase();
    String message =
        "flarekv fault injection: rule " + rule.id() + " answered " + status + " " + reason;
    if (surface == KvOperation.Surface.BINDING) {
      return new ApiReply(
          status,
          reason,
          "text/plain;charset=UTF-8",
          message.getBytes(StandardCharsets.UTF_8),
          Map.of());
    }
    ApiResponse envelope =
        new ApiResponse(
            false,
            List.of(new ApiError(ErrorCode.INJECTED_FAULT.code(), message)),
            List.of(),
            null,
            null);
    return new ApiReply(status, "application/json", envelope.toJson(), Map.of());
  }
}
