package dev.flarekv.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KvJsonTest {

  private static JsonNode parse(String s) {
    return KvJson.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertInvalid(byte[] body, String message) {
    assertThatThrownBy(() -> KvJson.parse(body))
        .isInstanceOfSatisfying(
            KvException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
              assertThat(e.getMessage()).isEqualTo(message);
            });
  }

  @Test
  void mapper_isSharedAndConfigured() {
    assertThat(KvJson.mapper()).isSameAs(KvJson.mapper());
    assertThat(KvJson.mapper().isEnabled(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES))
        .isFalse();
    assertThat(KvJson.mapper().isEnabled(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)).isTrue();
    StreamReadConstraints c = KvJson.mapper().getFactory().streamReadConstraints();
    assertThat(c.getMaxNestingDepth()).isEqualTo(1000);
    assertThat(c.getMaxStringLength()).isEqualTo(120_000_000);
  }

  record Item(String key, long expiration) {}

  @Test
  void mapper_ignoresUnknownProperties() throws Exception {
    Item item =
        KvJson.mapper().readValue("{\"key\":\"k\",\"other\":1,\"expiration\":5}", Item.class);
    assertThat(item).isEqualTo(new Item("k", 5));
  }

  record WithExtras(String name) {
    public boolean isSpecial() {
      return true;
    }

    public String describe() {
      return "x";
    }
  }

  @Test
  void mapper_serializesRecordComponentsOnly() throws Exception {
    assertThat(KvJson.mapper().writeValueAsString(new WithExtras("n")))
        .isEqualTo("{\"name\":\"n\"}");
  }

  @Test
  void mapper_failsOnNullForPrimitive() {
    assertThatThrownBy(
            () -> KvJson.mapper().readValue("{\"key\":\"k\",\"expiration\":null}", Item.class))
        .isInstanceOf(Exception.class);
  }

  @Test
  void parse_acceptsAnyJsonValue() {
    assertThat(parse("[1,2]").isArray()).isTrue();
    assertThat(parse(" {\"a\":1} ").get("a").intValue()).isEqualTo(1);
    assertThat(parse("\"s\"").textValue()).isEqualTo("s");
    assertThat(parse("null").isNull()).isTrue();
  }

  @Test
  void parse_keepsNumbersExact() {
    assertThat(KvJson.compact(parse("[1.50,1e400,12345678901234567890,0.1]")))
        .isEqualTo("[1.50,1E+400,12345678901234567890,0.1]");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", " ", "{", "[1,]", "{\"a\":1} x", "[] []", "{a:1}", "'x'", "NaN", "/*c*/1"})
  void parse_malformed(String body) {
    assertInvalid(body.getBytes(StandardCharsets.UTF_8), "Invalid JSON body");
  }

  @Test
  void parse_nullBody() {
    assertInvalid(null, "Invalid JSON body");
  }

  @Test
  void parse_invalidUtf8() {
    assertInvalid(new byte[] {'"', (byte) 0xFF, '"'}, "Invalid JSON body");
  }

  @Test
  void parse_nestingDepth1000Accepted1001Rejected() {
    assertThat(parse("[".repeat(1000) + "]".repeat(1000)).isArray()).isTrue();
    assertInvalid(
        ("[".repeat(1001) + "]".repeat(1001)).getBytes(StandardCharsets.UTF_8),
        "Invalid JSON body: nesting depth exceeds 1000");
    assertInvalid(
        ("{\"a\":".repeat(1001) + "1" + "}".repeat(1001)).getBytes(StandardCharsets.UTF_8),
        "Invalid JSON body: nesting depth exceeds 1000");
  }

  @Test
  void compact_removesWhitespace() {
    assertThat(KvJson.compact(parse("{ \"a\" : [ 1 , true , null ] ,\n \"b\" : \"é\" }")))
        .isEqualTo("{\"a\":[1,true,null],\"b\":\"é\"}");
    assertThat(KvJson.compact(JsonNodeFactory.instance.textNode("x"))).isEqualTo("\"x\"");
  }
}
