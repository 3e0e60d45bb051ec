package dev.flarekv.protocol.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import java.nio.charset.StandardCharsets;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class KvValidatorTest {
  /** The fake clock of Miniflare's tests: now = 1000 s (plus 999 ms to check flooring). */
  private static final long NOW_MS = 1_000_999L;

  private static final String TTL_POSITIVE = ". Please specify integer greater than 0.";
  private static final String TTL_MIN = ". Expiration TTL must be at least 60.";
  private static final String EXP_PAST =
      ". Please specify integer greater than the current number of seconds since the UNIX epoch.";
  private static final String EXP_MIN =
      ". Expiration times must be at least 60 seconds in the future.";

  static void assertKv(ThrowingCallable call, ErrorCode code, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            KvException.class,
            e -> {
              assertThat(e.getMessage()).isEqualTo(message);
              assertThat(e.errorCode()).isEqualTo(code);
            });
  }

  static void assertInvalid(ThrowingCallable call, String message) {
    assertKv(call, ErrorCode.INVALID_REQUEST, message);
  }

  // ------------------------------------------------------------------ decodeKey

  @Nested
  class DecodeKey {
    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "abc|abc",
          "a%2Fb%3Fc%23d%20e%25f%3A!|a/b?c#d e%f:!",
          "key%3Awith%3Acolons|key:with:colons",
          "a+b|a+b",
          "%C3%A9|é",
          "%c3%a9|é",
          "%2541|%41",
          "%2E|.",
          "%2E%2E|..",
          "%F0%9F%98%80|😀",
          "é😀|é😀",
          "%EE%80%80|\uE000",
        })
    void decodeKey_decodesExactlyOnce(String raw, String expected) {
      assertThat(KvValidator.decodeKey(raw)).isEqualTo(expected);
    }

    @Test
    void decodeKey_emptySegmentIsEmptyKey() {
      assertThat(KvValidator.decodeKey("")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "%",
          "%4",
          "%zz",
          "a%",
          "a%4",
          "%G0",
          "%-1",
          "%E0%A4%A",
          "%C3",
          "%FF",
          "%C0%AF",
          "%ED%A0%80",
          "%F4%90%80%80",
          "%\u0663\u0663",
          "%\uFF21\uFF21",
          "a\uD800",
          "\uDC00b",
          "\uDE00\uD83D",
        })
    void decodeKey_malformed(String raw) {
      assertInvalid(() -> KvValidator.decodeKey(raw), "Could not URL-decode key name");
    }

    @Test
    void decodeKey_null() {
      assertInvalid(() -> KvValidator.decodeKey(null), "Could not URL-decode key name");
    }
  }

  // ------------------------------------------------------------------ decodeQueryComponent

  @Nested
  class DecodeQueryComponent {
    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {"a+b|a b", "a%2Bb|a+b", "a%20b|a b", "%C3%A9+x|é x", "plain|plain", "+|' '"})
    void decodeQueryComponent_formDecoding(String raw, String expected) {
      assertThat(KvValidator.decodeQueryComponent(raw)).isEqualTo(expected);
    }

    @Test
    void decodeQueryComponent_nullAndEmpty() {
      assertThat(KvValidator.decodeQueryComponent(null)).isNull();
      assertThat(KvValidator.decodeQueryComponent("")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "%4", "%zz", "%E0%A4%A", "%FF", "a\uD800"})
    void decodeQueryComponent_malformed(String raw) {
      assertInvalid(
          () -> KvValidator.decodeQueryComponent(raw), "Could not URL-decode query parameter");
    }
  }

  // ------------------------------------------------------------------ keys

  @Nested
  class Keys {
    @Test
    void validateKey_empty() {
      assertInvalid(() -> KvValidator.validateKey(""), "Key names must not be empty");
      assertInvalid(() -> KvValidator.validateKey(null), "Key names must not be empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {".", ".."})
    void validateKey_dotNames(String key) {
      assertInvalid(
          () -> KvValidator.validateKey(key),
          "Illegal key name \"" + key + "\". Please use a different name.");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {"...", ".a", "a.", "a..b", " ", "a/b?c#d e%f:!", "\\", "KEY", "\u0000", "😀"})
    void validateKey_otherStringsAreValid(String key) {
      assertThat(KvValidator.validateKey(key)).isSameAs(key);
    }

    @Test
    void validateKey_512AsciiBytesAccepted() {
      String key = "x".repeat(512);
      assertThat(KvValidator.validateKey(key)).isSameAs(key);
    }

    @Test
    void validateKey_513AsciiBytesTooLong() {
      assertKv(
          () -> KvValidator.validateKey("x".repeat(513)),
          ErrorCode.KEY_TOO_LONG,
          "UTF-8 encoded length of 513 exceeds key length limit of 512.");
    }

    @Test
    void validateKey_lengthCountsUtf8BytesNotChars() {
      assertThat(KvValidator.validateKey("é".repeat(256))).hasSize(256);
      assertKv(
          () -> KvValidator.validateKey("é".repeat(257)),
          ErrorCode.KEY_TOO_LONG,
          "UTF-8 encoded length of 514 exceeds key length limit of 512.");
      assertThat(KvValidator.validateKey("😀".repeat(128))).hasSize(256);
      assertKv(
          () -> KvValidator.validateKey("😀".repeat(128) + "x"),
          ErrorCode.KEY_TOO_LONG,
          "UTF-8 encoded length of 513 exceeds key length limit of 512.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\uD800", "\uDC00", "\uDE00\uD83D", "x\uD83D"})
    void validateKey_unpairedSurrogate(String key) {
      assertInvalid(() -> KvValidator.validateKey(key), "Key names must be valid UTF-8");
    }

    @Test
    void validateKey_orderEmptyThenDotsThenLength() {
      // a long key made of dots is too long, not illegal; "." is illegal, not too long
      assertKv(
          () -> KvValidator.validateKey(".".repeat(513)),
          ErrorCode.KEY_TOO_LONG,
          "UTF-8 encoded length of 513 exceeds key length limit of 512.");
    }

    @Test
    void validatePrefix_nullIsEmpty() {
      assertThat(KvValidator.validatePrefix(null)).isEmpty();
      assertThat(KvValidator.validatePrefix("")).isEmpty();
    }

    @Test
    void validatePrefix_lengthLimit() {
      String p512 = "p".repeat(512);
      assertThat(KvValidator.validatePrefix(p512)).isSameAs(p512);
      assertThat(KvValidator.validatePrefix(".")).isEqualTo(".");
      assertKv(
          () -> KvValidator.validatePrefix("p".repeat(513)),
          ErrorCode.KEY_TOO_LONG,
          "UTF-8 encoded length of 513 exceeds key length limit of 512.");
      assertKv(
          () -> KvValidator.validatePrefix("é".repeat(257)),
          ErrorCode.KEY_TOO_LONG,
          "UTF-8 encoded length of 514 exceeds key length limit of 512.");
    }

    @Test
    void validatePrefix_unpairedSurrogate() {
      assertInvalid(() -> KvValidator.validatePrefix("a\uD800"), "Prefix must be valid UTF-8");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "",
          "abc",
          "é",
          "\u07FF",
          "\u0800",
          "\uFFFF",
          "😀",
          "a😀é\uE000",
          "\uD800",
          "\uDC00",
          "a\uD800b",
          "\uDE00\uD83D",
          "x\uD83D"
        })
    void utf8Length_equalsEncodedLength(String s) {
      assertThat(KvValidator.utf8Length(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  // ------------------------------------------------------------------ strict integers

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "-",
        " 60",
        "60 ",
        "+60",
        "1.5",
        "1.9e3",
        "1e3",
        "90abc",
        "0x3c",
        "99999999999999999999",
        "9223372036854775808",
        "\u0666\u0660",
        "--1",
        "00000000000000000060"
      })
  void parseStrictLong_notANumber(String raw) {
    assertThat(RequestParams.parseStrictLong(raw)).isNull();
  }

  @ParameterizedTest
  @CsvSource({
    "0,0",
    "-0,0",
    "60,60",
    "0060,60",
    "-1,-1",
    "9223372036854775807,9223372036854775807",
    "-9223372036854775808,-9223372036854775808"
  })
  void parseStrictLong_numbers(String raw, long expected) {
    assertThat(RequestParams.parseStrictLong(raw)).isEqualTo(expected);
  }

  // ------------------------------------------------------------------ expiration (query strings)

  @Nested
  class ExpirationRaw {
    @Test
    void expiration_noneGiven() {
      assertThat(KvValidator.expiration((String) null, (String) null, NOW_MS)).isZero();
    }

    @ParameterizedTest
    @CsvSource({"60,1060", "61,1061", "120,1120", "0060,1060", "86400,87400"})
    void expiration_ttlAccepted(String ttl, long expected) {
      assertThat(KvValidator.expiration(null, ttl, NOW_MS)).isEqualTo(expected);
    }

    @Test
    void expiration_nowIsFlooredToSeconds() {
      assertThat(KvValidator.expiration(null, "60", 1_000_000L)).isEqualTo(1060);
      assertThat(KvValidator.expiration(null, "60", 1_000_999L)).isEqualTo(1060);
      assertThat(KvValidator.expiration(null, "60", 1_001_000L)).isEqualTo(1061);
      // expiration == now is rejected even though 999 ms have passed within the second
      assertInvalid(
          () -> KvValidator.expiration("1000", null, 1_000_999L),
          "Invalid expiration of 1000" + EXP_PAST);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "0",
          "-0",
          "-1",
          "-60",
          "",
          "nan",
          "1.9e3",
          "90abc",
          " 60",
          "60 ",
          "+60",
          "1.5",
          "99999999999999999999"
        })
    void expiration_ttlNotPositiveOrNotANumber(String ttl) {
      assertInvalid(
          () -> KvValidator.expiration(null, ttl, NOW_MS),
          "Invalid expiration_ttl of " + ttl + TTL_POSITIVE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "30", "59"})
    void expiration_ttlBelowMinimum(String ttl) {
      assertInvalid(
          () -> KvValidator.expiration(null, ttl, NOW_MS),
          "Invalid expiration_ttl of " + ttl + TTL_MIN);
    }

    @Test
    void expiration_ttlWinsAndExpirationIsNotValidated() {
      assertThat(KvValidator.expiration("5", "120", NOW_MS)).isEqualTo(1120);
      assertThat(KvValidator.expiration("garbage", "120", NOW_MS)).isEqualTo(1120);
      assertThat(KvValidator.expiration("99999999999999", "120", NOW_MS)).isEqualTo(1120);
      assertInvalid(
          () -> KvValidator.expiration("5000", "30", NOW_MS),
          "Invalid expiration_ttl of 30" + TTL_MIN);
    }

    @Test
    void expiration_ttlResultMustBeBeforeYear10000() {
      long lastOk = KvLimits.MAX_EXPIRATION_EXCLUSIVE_SECONDS - 1 - 1000;
      assertThat(KvValidator.expiration(null, Long.toString(lastOk), NOW_MS))
          .isEqualTo(KvLimits.MAX_EXPIRATION_EXCLUSIVE_SECONDS - 1);
      String tooBig = Long.toString(lastOk + 1);
      assertInvalid(
          () -> KvValidator.expiration(null, tooBig, NOW_MS),
          "Invalid expiration_ttl of "
              + tooBig
              + ". The resulting expiration must be before 253402300800 (the year 10000).");
      assertInvalid(
          () -> KvValidator.expiration(null, "9223372036854775807", NOW_MS),
          "Invalid expiration_ttl of 9223372036854775807. The resulting expiration must be before"
              + " 253402300800 (the year 10000).");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1000", "999", "0", "-5", "", "abc", "1.9e3", "1060.5", " 1060"})
    void expiration_notInTheFutureOrNotANumber(String exp) {
      assertInvalid(
          () -> KvValidator.expiration(exp, null, NOW_MS),
          "Invalid expiration of " + exp + EXP_PAST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1001", "1030", "1059"})
    void expiration_lessThan60SecondsAhead(String exp) {
      assertInvalid(
          () -> KvValidator.expiration(exp, null, NOW_MS),
          "Invalid expiration of " + exp + EXP_MIN);
    }

    @ParameterizedTest
    @CsvSource({"1060,1060", "1061,1061", "1500,1500", "253402300799,253402300799"})
    void expiration_accepted(String exp, long expected) {
      assertThat(KvValidator.expiration(exp, null, NOW_MS)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"253402300800", "9223372036854775807"})
    void expiration_year10000OrLaterRejected(String exp) {
      assertInvalid(
          () -> KvValidator.expiration(exp, null, NOW_MS),
          "Invalid expiration of "
              + exp
              + ". Expiration must be before 253402300800 (the year"
              + " 10000).");
    }
  }

  // ------------------------------------------------------------------ expiration (JSON numbers)

  @Nested
  class ExpirationNumbers {
    @Test
    void expiration_numbersSameRules() {
      assertThat(KvValidator.expiration((Long) null, (Long) null, NOW_MS)).isZero();
      assertThat(KvValidator.expiration(null, 60L, NOW_MS)).isEqualTo(1060);
      assertThat(KvValidator.expiration(1060L, null, NOW_MS)).isEqualTo(1060);
      assertThat(KvValidator.expiration(5L, 120L, NOW_MS)).isEqualTo(1120);
      assertInvalid(
          () -> KvValidator.expiration(null, 59L, NOW_MS),
          "Invalid expiration_ttl of 59" + TTL_MIN);
      assertInvalid(
          () -> KvValidator.expiration(null, 0L, NOW_MS),
          "Invalid expiration_ttl of 0" + TTL_POSITIVE);
      assertInvalid(
          () -> KvValidator.expiration(null, -1L, NOW_MS),
          "Invalid expiration_ttl of -1" + TTL_POSITIVE);
      assertInvalid(
          () -> KvValidator.expiration(1000L, null, NOW_MS),
          "Invalid expiration of 1000" + EXP_PAST);
      assertInvalid(
          () -> KvValidator.expiration(1059L, null, NOW_MS),
          "Invalid expiration of 1059" + EXP_MIN);
      assertInvalid(
          () -> KvValidator.expiration(Long.MAX_VALUE, null, NOW_MS),
          "Invalid expiration of 9223372036854775807. Expiration must be before 253402300800 (the"
              + " year 10000).");
      assertInvalid(
          () -> KvValidator.expiration(null, Long.MAX_VALUE, NOW_MS),
          "Invalid expiration_ttl of 9223372036854775807. The resulting expiration must be before"
              + " 253402300800 (the year 10000).");
    }

    private JsonNode field(String json, String name) throws Exception {
      return KvJson.mapper().readTree("{\"v\":" + json + "}").get(name);
    }

    private long ttlFromJson(String json) throws Exception {
      return KvValidator.expirationFromJson(null, field(json, "v"), NOW_MS);
    }

    private long expFromJson(String json) throws Exception {
      return KvValidator.expirationFromJson(field(json, "v"), null, NOW_MS);
    }

    @Test
    void expirationFromJson_absentForms() throws Exception {
      assertThat(KvValidator.expirationFromJson(null, null, NOW_MS)).isZero();
      assertThat(
              KvValidator.expirationFromJson(
                  MissingNode.getInstance(), NullNode.getInstance(), NOW_MS))
          .isZero();
      assertThat(KvValidator.expirationFromJson(field("1", "absent"), null, NOW_MS)).isZero();
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {"60|1060", "\"60\"|1060", "60.0|1060", "6e1|1060", "120|1120"})
    void expirationFromJson_integralValues(String json, long expected) throws Exception {
      assertThat(ttlFromJson(json)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "60.5|60.5",
          "\"60.0\"|60.0",
          "\"abc\"|abc",
          "\"\"|''",
          "\" 60\"|' 60'",
          "true|true",
          "{}|{}",
          "[60]|[60]",
          "99999999999999999999|99999999999999999999",
          "0|0",
          "-1|-1"
        })
    void expirationFromJson_ttlNotANumber(String json, String shown) {
      assertInvalid(() -> ttlFromJson(json), "Invalid expiration_ttl of " + shown + TTL_POSITIVE);
    }

    @Test
    void expirationFromJson_ttlBelowMinimum() {
      assertInvalid(() -> ttlFromJson("59"), "Invalid expiration_ttl of 59" + TTL_MIN);
      assertInvalid(() -> ttlFromJson("\"59\""), "Invalid expiration_ttl of 59" + TTL_MIN);
    }

    @Test
    void expirationFromJson_expirationRules() throws Exception {
      assertThat(expFromJson("1060")).isEqualTo(1060);
      assertThat(expFromJson("\"1060\"")).isEqualTo(1060);
      assertInvalid(() -> expFromJson("1059"), "Invalid expiration of 1059" + EXP_MIN);
      assertInvalid(() -> expFromJson("1000"), "Invalid expiration of 1000" + EXP_PAST);
      assertInvalid(() -> expFromJson("1060.5"), "Invalid expiration of 1060.5" + EXP_PAST);
      assertInvalid(() -> expFromJson("1e400"), "Invalid expiration of 1E+400" + EXP_PAST);
    }

    @Test
    void expirationFromJson_ttlWins() throws Exception {
      JsonNode item =
          KvJson.mapper().readTree("{\"expiration\":\"garbage\",\"expiration_ttl\":120}");
      assertThat(
              KvValidator.expirationFromJson(
                  item.get("expiration"), item.get("expiration_ttl"), NOW_MS))
          .isEqualTo(1120);
    }
  }

  // ------------------------------------------------------------------ metadata

  @Nested
  class Metadata {
    /** {"key":"xxx..."} whose compact form has exactly {@code size} bytes. */
    private String metadataOfSize(int size) {
      return "{\"key\":\"" + "x".repeat(size - 10) + "\"}";
    }

    @Test
    void metadata_absent() {
      assertThat(KvValidator.metadata((String) null)).isNull();
      assertThat(KvValidator.metadata("null")).isNull();
      assertThat(KvValidator.metadata(" null ")).isNull();
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "123|123",
          "\"example\"|\"example\"",
          "true|true",
          "false|false",
          "[1, 2]|[1,2]",
          "{ \"a\" : 1 ,  \"b\": [ ] }|{\"a\":1,\"b\":[]}",
          "1.50|1.50",
          "-0.0|0.0",
          "{\"a\":1,\"a\":2}|{\"a\":2}",
          "\"é😀\"|\"é😀\"",
        })
    void metadata_anyJsonValueCompacted(String json, String compact) {
      assertThat(KvValidator.metadata(json)).isEqualTo(compact);
    }

    @Test
    void metadata_hugeNumbersStayValidJson() throws Exception {
      String out = KvValidator.metadata("1e400");
      assertThat(out).isEqualTo("1E+400");
      assertThat(KvJson.mapper().readTree(out).isNumber()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "",
          "   ",
          "{",
          "{a:1}",
          "{\"a\":1} x",
          "{\"a\":1}{}",
          "1 2",
          "'a'",
          "undefined",
          "NaN",
          "[1,]",
          "\"\\ud800\"",
          "// c\n1"
        })
    void metadata_invalidJson(String json) {
      assertInvalid(() -> KvValidator.metadata(json), "Invalid metadata JSON");
    }

    @Test
    void metadata_anyDepthWithinTheSizeLimitIsAccepted() {
      String deep100 = "[".repeat(100) + "]".repeat(100);
      assertThat(KvValidator.metadata(deep100)).isEqualTo(deep100);
      String deep512 = "[".repeat(512) + "]".repeat(512);
      assertThat(KvValidator.metadata(deep512)).isEqualTo(deep512);
      String spaced = "[ ".repeat(512) + "]".repeat(512);
      assertThat(KvValidator.metadata(spaced)).isEqualTo(deep512);
    }

    @Test
    void metadata_deeperThanFitsIsRefusedForItsSize() {
      String deep513 = "[".repeat(513) + "]".repeat(513);
      assertThatThrownBy(() -> KvValidator.metadata(deep513))
          .isInstanceOfSatisfying(
              KvException.class,
              e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE))
          .hasMessageContaining("Metadata length of 1026 exceeds limit of 1024.");
      String beyondParser = "[".repeat(1001) + "]".repeat(1001);
      assertInvalid(() -> KvValidator.metadata(beyondParser), "Invalid metadata JSON");
    }

    @Test
    void metadata_1024BytesAccepted() {
      String json = metadataOfSize(1024);
      assertThat(json.getBytes(StandardCharsets.UTF_8)).hasSize(1024);
      assertThat(KvValidator.metadata(json)).isEqualTo(json);
    }

    @Test
    void metadata_1025BytesTooLarge() {
      assertKv(
          () -> KvValidator.metadata(metadataOfSize(1025)),
          ErrorCode.PAYLOAD_TOO_LARGE,
          "Metadata length of 1025 exceeds limit of 1024.");
    }

    @Test
    void metadata_sizeIsCompactUtf8Length() {
      // whitespace does not count: the input is 1034 chars but compacts to 1024 bytes
      String padded = "{ \"key\" :   \"" + "x".repeat(1014) + "\"      }";
      assertThat(padded.length()).isGreaterThan(1024);
      assertThat(KvValidator.metadata(padded)).hasSize(1024);
      // multi-byte characters count in bytes: 1020 chars but 1025 bytes
      String wide = "{\"key\":\"" + "é".repeat(5) + "x".repeat(1005) + "\"}";
      assertThat(wide.length()).isEqualTo(1020);
      assertKv(
          () -> KvValidator.metadata(wide),
          ErrorCode.PAYLOAD_TOO_LARGE,
          "Metadata length of 1025 exceeds limit of 1024.");
    }

    @Test
    void metadata_nodeForms() {
      assertThat(KvValidator.metadata((JsonNode) null)).isNull();
      assertThat(KvValidator.metadata(NullNode.getInstance())).isNull();
      assertThat(KvValidator.metadata(MissingNode.getInstance())).isNull();
      ObjectNode node = JsonNodeFactory.instance.objectNode().put("testing", true);
      assertThat(KvValidator.metadata(node)).isEqualTo("{\"testing\":true}");
      assertThat(KvValidator.metadata(JsonNodeFactory.instance.numberNode(123))).isEqualTo("123");
    }

    @Test
    void metadata_nodeTooLarge() {
      ObjectNode node = JsonNodeFactory.instance.objectNode().put("key", "x".repeat(1015));
      assertKv(
          () -> KvValidator.metadata(node),
          ErrorCode.PAYLOAD_TOO_LARGE,
          "Metadata length of 1025 exceeds limit of 1024.");
    }

    @Test
    void metadata_nodeNestingDepth() {
      ArrayNode ok = nested(512);
      assertThat(KvValidator.metadata(ok)).isEqualTo("[".repeat(512) + "]".repeat(512));
      assertThatThrownBy(() -> KvValidator.metadata(nested(513)))
          .hasMessageContaining("Metadata length of 1026 exceeds limit of 1024.");
    }

    @Test
    void metadata_nodeWithUnpairedSurrogate() {
      assertInvalid(
          () -> KvValidator.metadata(JsonNodeFactory.instance.textNode("a\uD800")),
          "Invalid metadata JSON");
    }

    private ArrayNode nested(int depth) {
      ArrayNode root = JsonNodeFactory.instance.arrayNode();
      ArrayNode current = root;
      for (int i = 1; i < depth; i++) {
        current = current.addArray();
      }
      return root;
    }
  }

  // ------------------------------------------------------------------ value size

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 26_214_400})
  void valueSize_withinLimit(long length) {
    KvValidator.valueSize(length);
  }

  @ParameterizedTest
  @ValueSource(longs = {26_214_401, 100_000_000_000L})
  void valueSize_tooLarge(long length) {
    assertKv(
        () -> KvValidator.valueSize(length),
        ErrorCode.PAYLOAD_TOO_LARGE,
        "Value length of " + length + " exceeds limit of 26214400.");
  }

  // ------------------------------------------------------------------ list limits

  @ParameterizedTest
  @CsvSource({"1,1", "10,10", "999,999", "1000,1000"})
  void bindingListLimit_accepted(String raw, int expected) {
    assertThat(KvValidator.bindingListLimit(raw)).isEqualTo(expected);
  }

  @Test
  void bindingListLimit_defaultIs1000() {
    assertThat(KvValidator.bindingListLimit(null)).isEqualTo(1000);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "", "abc", "1.5", "90abc", " 10", "99999999999999999999"})
  void bindingListLimit_belowOneOrNotANumber(String raw) {
    assertInvalid(
        () -> KvValidator.bindingListLimit(raw),
        "Invalid key_count_limit of " + raw + ". Please specify an integer greater than 0.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1001", "5000", "9223372036854775807"})
  void bindingListLimit_above1000(String raw) {
    assertInvalid(
        () -> KvValidator.bindingListLimit(raw),
        "Invalid key_count_limit of " + raw + ". Please specify an integer less than 1000.");
  }

  @ParameterizedTest
  @CsvSource({"10,10", "11,11", "1000,1000"})
  void restListLimit_accepted(String raw, int expected) {
    assertThat(KvValidator.restListLimit(raw)).isEqualTo(expected);
  }

  @ParameterizedTest
  @NullAndEmptySource
  void restListLimit_defaultIs1000(String raw) {
    assertThat(KvValidator.restListLimit(raw)).isEqualTo(1000);
  }

  @ParameterizedTest
  @ValueSource(strings = {"9", "1", "0", "-1"})
  void restListLimit_tooSmall(String raw) {
    assertInvalid(
        () -> KvValidator.restListLimit(raw), "limit: Too small: expected number to be >=10");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1001", "9223372036854775807"})
  void restListLimit_tooBig(String raw) {
    assertInvalid(
        () -> KvValidator.restListLimit(raw), "limit: Too big: expected number to be <=1000");
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "1.5", "1.9e3", "90abc", " 60", "99999999999999999999"})
  void restListLimit_notANumber(String raw) {
    assertInvalid(
        () -> KvValidator.restListLimit(raw),
        "limit: Expected query param to be number but received \"" + raw + "\"");
  }

  // ------------------------------------------------------------------ cache ttl

  @ParameterizedTest
  @ValueSource(strings = {"30", "31", "60", "86400"})
  void cacheTtl_accepted(String raw) {
    KvValidator.cacheTtl(raw);
  }

  @Test
  void cacheTtl_absentIsFine() {
    KvValidator.cacheTtl(null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"29", "10", "0", "-1", "", "abc", "30.5", "1e3"})
  void cacheTtl_belowMinimumOrNotANumber(String raw) {
    assertInvalid(
        () -> KvValidator.cacheTtl(raw),
        "Invalid cache_ttl of " + raw + ". Cache TTL must be at least 30.");
  }

  // ------------------------------------------------------------------ namespaces

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {" ", "\t\n"})
  void namespaceTitle_missing(String title) {
    assertKv(() -> KvValidator.namespaceTitle(title), ErrorCode.MISSING_TITLE, "missing title");
  }

  @Test
  void namespaceTitle_lengthLimitInCharacters() {
    String t512 = "t".repeat(512);
    assertThat(KvValidator.namespaceTitle(t512)).isSameAs(t512);
    String emoji512 = "😀".repeat(512);
    assertThat(KvValidator.namespaceTitle(emoji512)).isSameAs(emoji512);
    assertInvalid(
        () -> KvValidator.namespaceTitle("t".repeat(513)),
        "title: exceeds the 512-character limit");
    assertInvalid(
        () -> KvValidator.namespaceTitle("😀".repeat(513)),
        "title: exceeds the 512-character limit");
  }

  @Test
  void namespaceTitle_returnedUnchanged() {
    assertThat(KvValidator.namespaceTitle(" my ns ")).isEqualTo(" my ns ");
  }

  @Test
  void namespaceTitle_unpairedSurrogate() {
    assertInvalid(() -> KvValidator.namespaceTitle("a\uD800"), "title: must be valid UTF-8");
  }

  @ParameterizedTest
  @CsvSource({"1,1", "2,2", "2147483647,2147483647"})
  void page_accepted(String raw, int expected) {
    assertThat(KvValidator.page(raw)).isEqualTo(expected);
    assertThat(KvValidator.page(null)).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "", "abc", "1.5", "2147483648", "99999999999"})
  void page_invalid(String raw) {
    // the range is named, so a too-large page does not read as "must be >= 1"
    assertInvalid(() -> KvValidator.page(raw), "page: must be an integer from 1 to 2147483647");
  }

  @ParameterizedTest
  @CsvSource({"1,1", "20,20", "100,100", "1000,1000"})
  void perPage_accepted(String raw, int expected) {
    assertThat(KvValidator.perPage(raw)).isEqualTo(expected);
    assertThat(KvValidator.perPage(null)).isEqualTo(20);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1001", "-1", "", "abc", "1.5"})
  void perPage_invalid(String raw) {
    assertInvalid(
        () -> KvValidator.perPage(raw), "per_page: must be an integer between 1 and 1000");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0f2ac74b498b48028cb68387c421e279", "00000000000000000000000000000000"})
  void isValidNamespaceId_valid(String id) {
    assertThat(KvValidator.isValidNamespaceId(id)).isTrue();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "0f2ac74b498b48028cb68387c421e27",
        "0f2ac74b498b48028cb68387c421e2790",
        "0F2AC74B498B48028CB68387C421E279",
        "0f2ac74b498b48028cb68387c421e27g",
        "0f2ac74b-498b-4802-8cb6-8387c421e279"
      })
  void isValidNamespaceId_invalid(String id) {
    assertThat(KvValidator.isValidNamespaceId(id)).isFalse();
  }

  @Test
  void isValidAccountId_rules() {
    assertThat(KvValidator.isValidAccountId("a")).isTrue();
    assertThat(KvValidator.isValidAccountId("Acc_0-9")).isTrue();
    assertThat(KvValidator.isValidAccountId("a".repeat(64))).isTrue();
    assertThat(KvValidator.isValidAccountId("a".repeat(65))).isFalse();
    assertThat(KvValidator.isValidAccountId("")).isFalse();
    assertThat(KvValidator.isValidAccountId(null)).isFalse();
    for (String bad : new String[] {"a.b", "a b", "é", "a/b", "a%20", ".."}) {
      assertThat(KvValidator.isValidAccountId(bad)).as(bad).isFalse();
    }
  }

  // ------------------------------------------------------------------ bulk get

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 100})
  void bulkGetKeyCount_accepted(int n) {
    KvValidator.bulkGetKeyCount(n);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1})
  void bulkGetKeyCount_none(int n) {
    assertInvalid(() -> KvValidator.bulkGetKeyCount(n), "You must request a minimum of 1 key");
  }

  @ParameterizedTest
  @ValueSource(ints = {101, 10_000})
  void bulkGetKeyCount_tooMany(int n) {
    assertInvalid(() -> KvValidator.bulkGetKeyCount(n), "You can request a maximum of 100 keys");
  }

  @Test
  void bulkGetJsonType_valid() {
    assertThat(KvValidator.bulkGetJsonType(null)).isFalse();
    assertThat(KvValidator.bulkGetJsonType("text")).isFalse();
    assertThat(KvValidator.bulkGetJsonType("json")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"invalid", "JSON", "Text", "", "arrayBuffer"})
  void bulkGetJsonType_invalid(String type) {
    assertInvalid(
        () -> KvValidator.bulkGetJsonType(type),
        "\"" + type + "\" is not a valid type. Use \"json\" or \"text\"");
  }
}
