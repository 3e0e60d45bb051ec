package dev.flarekv.protocol.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.protocol.json.KvJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultInfoTest {

  private static String json(ApiResponse r) {
    return new String(r.toJson(), StandardCharsets.UTF_8);
  }

  @Test
  void resultInfo_totalPages() {
    assertThat(ResultInfo.forPage(1, 20, 0, 0).totalPages()).isZero();
    assertThat(ResultInfo.forPage(1, 20, 20, 20).totalPages()).isEqualTo(1);
    assertThat(ResultInfo.forPage(1, 20, 20, 21).totalPages()).isEqualTo(2);
    assertThat(ResultInfo.forPage(1, 1000, 1, Integer.MAX_VALUE).totalPages()).isEqualTo(2_147_484);
  }

  @Test
  void resultInfo_allFieldsNamed() throws Exception {
    String out = KvJson.mapper().writeValueAsString(new ResultInfo(1, 2, 3, 4, 5, "c"));
    assertThat(out)
        .isEqualTo(
            "{\"page\":1,\"per_page\":2,\"count\":3,\"total_count\":4,\"total_pages\":5,"
                + "\"cursor\":\"c\"}");
    assertThat(
            KvJson.mapper().writeValueAsString(new ResultInfo(null, null, null, null, null, null)))
        .isEqualTo("{}");
  }

  @Test
  void resultInfo_lastKeyPageHasEmptyCursor() {
    assertThat(ResultInfo.forKeys(0, null).cursor()).isEmpty();
    assertThat(json(ApiResponse.ok(List.of(), ResultInfo.forKeys(0, null))))
        .endsWith("\"result\":[],\"result_info\":{\"count\":0,\"cursor\":\"\"}}");
  }

  @Test
  void forKeys_keepsCursor() {
    assertThat(ResultInfo.forKeys(3, "AQ"))
        .isEqualTo(new ResultInfo(null, null, 3, null, null, "AQ"));
  }
}
