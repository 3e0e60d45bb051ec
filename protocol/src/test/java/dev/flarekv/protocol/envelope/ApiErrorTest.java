package dev.flarekv.protocol.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.json.KvJson;
import org.junit.jupiter.api.Test;

class ApiErrorTest {

  @Test
  void apiError_of() {
    assertThat(ApiError.of(ErrorCode.NAMESPACE_NOT_FOUND, "list keys: 'namespace not found'"))
        .isEqualTo(new ApiError(10013, "list keys: 'namespace not found'"));
    assertThat(ApiError.of(ErrorCode.MISSING_TITLE, null))
        .isEqualTo(new ApiError(10019, "missing title"));
  }

  @Test
  void serializesCodeAndMessage() throws Exception {
    assertThat(KvJson.mapper().writeValueAsString(new ApiError(10009, "m")))
        .isEqualTo("{\"code\":10009,\"message\":\"m\"}");
  }

  @Test
  void messageRequired() {
    assertThatThrownBy(() -> new ApiError(1, null)).isInstanceOf(NullPointerException.class);
  }
}
