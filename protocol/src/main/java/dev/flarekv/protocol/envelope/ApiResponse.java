package dev.flarekv.protocol.envelope;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The Cloudflare API v4 JSON envelope (section 11): {@code
 * {"success":..,"errors":[..],"messages":[..],"result":..,"result_info"?:{..}}}. {@code result} is
 * always written ({@code null} on failure); {@code result_info} only when present.
 *
 * @param success whether the request succeeded
 * @param errors the errors, empty on success
 * @param messages informational messages, normally empty
 * @param result the payload; any value Jackson can serialize through {@link KvJson#mapper()}
 * @param resultInfo paging information, or {@code null}
 */
@JsonPropertyOrder({"success", "errors", "messages", "result", "result_info"})
public record ApiResponse(
    @JsonProperty("success") boolean success,
    @JsonProperty("errors") List<ApiError> errors,
    @JsonProperty("messages") List<Object> messages,
    @JsonProperty("result") @JsonInclude(JsonInclude.Include.ALWAYS) Object result,
    @JsonProperty("result_info") @JsonInclude(JsonInclude.Include.NON_NULL) ResultInfo resultInfo) {

  public ApiResponse {
    errors = errors == null ? List.of() : List.copyOf(errors);
    messages = messages == null ? List.of() : List.copyOf(messages);
  }

  /** A success without paging information. */
  public static ApiResponse ok(Object result) {
    return new ApiResponse(true, List.of(), List.of(), result, null);
  }

  /** A success with paging information ({@code info} may be null). */
  public static ApiResponse ok(Object result, ResultInfo info) {
    return new ApiResponse(true, List.of(), List.of(), result, info);
  }

  /** A failure with one error; a null message means the code's default message. */
  public static ApiResponse error(ErrorCode code, String message) {
    return new ApiResponse(false, List.of(ApiError.of(code, message)), List.of(), null, null);
  }

  /** A failure describing {@code e}. */
  public static ApiResponse error(KvException e) {
    return error(e.errorCode(), e.getMessage());
  }

  /** The UTF-8 JSON text of this envelope. */
  public byte[] toJson() {
    try {
      return KvJson.mapper().writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot serialize API response", e);
    }
  }
}
