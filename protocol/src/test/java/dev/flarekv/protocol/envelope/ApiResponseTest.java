package dev.flarekv.protocol.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.protocol.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiResponseTest {

  private static String json(ApiResponse r) {
    return new String(r.toJson(), StandardCharsets.UTF_8);
  }

  @Test
  void ok_withResult() {
    Map<String, Object> ns = new LinkedHashMap<>();
    ns.put("id", "0f2ac74b498b48028cb68387c421e279");
    ns.put("title", "t");
    assertThat(json(ApiResponse.ok(ns)))
        .isEqualTo(
            "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":"
                + "{\"id\":\"0f2ac74b498b48028cb68387c421e279\",\"title\":\"t\"}}");
  }

  @Test
  void ok_nullResultIsWritten() {
    assertThat(json(ApiResponse.ok(null)))
        .isEqualTo("{\"success\":true,\"errors\":[],\"messages\":[],\"result\":null}");
    assertThat(json(ApiResponse.ok(null, null)))
        .isEqualTo("{\"success\":true,\"errors\":[],\"messages\":[],\"result\":null}");
  }

  @Test
  void ok_withKeysResultInfo() {
    ApiResponse r = ApiResponse.ok(List.of(Map.of("name", "k")), ResultInfo.forKeys(1, "AQ"));
    assertThat(json(r))
        .isEqualTo(
            "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":[{\"name\":\"k\"}],"
                + "\"result_info\":{\"count\":1,\"cursor\":\"AQ\"}}");
  }

  @Test
  void resultInfo_pageFieldsSnakeCaseInOrder() {
    assertThat(json(ApiResponse.ok(List.of(), ResultInfo.forPage(2, 20, 5, 25))))
        .endsWith(
            "\"result_info\":{\"page\":2,\"per_page\":20,\"count\":5,\"total_count\":25,"
                + "\"total_pages\":2}}");
  }

  @Test
  void error_envelope() {
    assertThat(
            json(
                ApiResponse.error(
                    ErrorCode.DUPLICATE_TITLE,
                    "a namespace with this account ID and title already exists")))
        .isEqualTo(
            "{\"success\":false,\"errors\":[{\"code\":10014,\"message\":"
                + "\"a namespace with this account ID and title already exists\"}],"
                + "\"messages\":[],\"result\":null}");
  }

  @Test
  void error_nullMessageUsesDefault() {
    ApiResponse r = ApiResponse.error(ErrorCode.KEY_NOT_FOUND, null);
    assertThat(r.success()).isFalse();
    assertThat(r.errors()).containsExactly(new ApiError(10009, "get: 'key not found'"));
    assertThat(r.result()).isNull();
    assertThat(r.resultInfo()).isNull();
  }

  @Test
  void error_fromException() {
    ApiResponse r = ApiResponse.error(ErrorCode.KEY_TOO_LONG.exception("too long"));
    assertThat(r.errors()).containsExactly(new ApiError(10001, "too long"));
  }

  @Test
  void constructor_nullListsBecomeEmpty() {
    ApiResponse r = new ApiResponse(true, null, null, 1, null);
    assertThat(r.errors()).isEmpty();
    assertThat(r.messages()).isEmpty();
    assertThat(json(r)).isEqualTo("{\"success\":true,\"errors\":[],\"messages\":[],\"result\":1}");
  }
}
