package dev.flarekv.protocol.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.json.KvJson;

/**
 * Size and shape rules of what a write carries: metadata JSON (docs/kv-semantics.md M1, M2) and the
 * value (V1), plus the "length of N exceeds limit" check the key rule shares. Entry point: {@link
 * KvValidator}.
 */
final class PayloadRules {
  private static final String INVALID_METADATA = "Invalid metadata JSON";

  private PayloadRules() {}

  static String metadata(String jsonText) {
    if (jsonText == null) {
      return null;
    }
    JsonNode node;
    try {
      node = KvJson.mapper().readTree(jsonText);
    } catch (JsonProcessingException | IllegalArgumentException | ArithmeticException e) {
      throw ErrorCode.INVALID_REQUEST.exception(INVALID_METADATA);
    }
    if (node == null || node.isMissingNode()) {
      throw ErrorCode.INVALID_REQUEST.exception(INVALID_METADATA);
    }
    return metadata(node);
  }

  static String metadata(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    String compact = KvJson.compact(node);
    if (KeyRules.hasUnpairedSurrogate(compact)) {
      throw ErrorCode.INVALID_REQUEST.exception(INVALID_METADATA);
    }
    checkSize(
        KeyRules.utf8Length(compact),
        KvLimits.MAX_METADATA_SIZE_BYTES,
        ErrorCode.PAYLOAD_TOO_LARGE,
        "Metadata",
        "");
    return compact;
  }

  static void valueSize(long length) {
    checkSize(length, KvLimits.MAX_VALUE_SIZE_BYTES, ErrorCode.PAYLOAD_TOO_LARGE, "Value", "");
  }

  /**
   * Throws {@code code} with {@code "<subject> length of <n> exceeds <limitName>limit of <limit>."}
   * when {@code n > limit}.
   */
  static void checkSize(long n, long limit, ErrorCode code, String subject, String limitName) {
    if (n > limit) {
      throw code.exception(
          subject + " length of " + n + " exceeds " + limitName + "limit of " + limit + ".");
    }
  }
}
