package dev.flarekv.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class CursorCodecTest {

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void assertInvalid(String cursor) {
    assertThatThrownBy(() -> CursorCodec.decode(cursor))
        .isInstanceOfSatisfying(
            KvException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
              assertThat(e.getMessage()).isEqualTo("Invalid cursor");
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "a",
        "key1",
        "a/b?c#d e%f:!",
        "é",
        "😀",
        "\uE000",
        "日本語のキー",
        "\u0000",
        "+/=",
        ".",
        "..",
        "\uFFFF"
      })
  void encode_roundTrips(String key) {
    String cursor = CursorCodec.encode(key);
    assertThat(CursorCodec.decode(cursor)).isEqualTo(key);
  }

  @Test
  void encode_roundTripsLongestKeys() {
    for (String key : new String[] {"x".repeat(512), "é".repeat(256), "😀".repeat(128)}) {
      assertThat(CursorCodec.decode(CursorCodec.encode(key))).isEqualTo(key);
    }
  }

  @Test
  void encode_formatIsVersionByteThenUtf8InUnpaddedUrlSafeBase64() {
    assertThat(CursorCodec.encode("key1")).isEqualTo(b64(new byte[] {1, 'k', 'e', 'y', '1'}));
    assertThat(CursorCodec.encode("")).isEqualTo("AQ");
    // U+FFFF is EF BF BF: its 6-bit groups include 63, written as '_' in the URL-safe alphabet
    String cursor = CursorCodec.encode("\uFFFF\uFFFF\uFFFF");
    byte[] raw = Base64.getUrlDecoder().decode(cursor);
    assertThat(raw[0]).isEqualTo((byte) 1);
    assertThat(new String(raw, 1, raw.length - 1, StandardCharsets.UTF_8))
        .isEqualTo("\uFFFF\uFFFF\uFFFF");
    assertThat(cursor).doesNotContain("+", "/", "=").contains("_");
  }

  @Test
  void encode_isUrlSafeForEveryLength() {
    StringBuilder key = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      key.append((char) ('\uFFF0' + (i % 15)));
      String cursor = CursorCodec.encode(key.toString());
      assertThat(cursor).matches("[A-Za-z0-9_-]+");
      assertThat(CursorCodec.decode(cursor)).isEqualTo(key.toString());
    }
  }

  @Test
  void encode_rejectsNullAndInvalidUnicode() {
    assertThatThrownBy(() -> CursorCodec.encode(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> CursorCodec.encode("a\uD800"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @NullAndEmptySource
  void decode_absentCursorMeansStart(String cursor) {
    assertThat(CursorCodec.decode(cursor)).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"!!!!", "a b", "A", "AQ==", "AR", "a2V5MQ", "AA", "Aa+/", "Aa/", "%41Q", "AQ\n"})
  void decode_malformed(String cursor) {
    assertInvalid(cursor);
  }

  @Test
  void decode_standardBase64AlphabetRejected() {
    // payload whose standard encoding contains '+' and '/'
    byte[] payload = {1, (byte) 0xFB, (byte) 0xFF};
    String standard = Base64.getEncoder().withoutPadding().encodeToString(payload);
    assertThat(standard).containsAnyOf("+", "/");
    assertInvalid(standard);
  }

  @Test
  void decode_wrongVersion() {
    assertInvalid(b64(new byte[] {2, 'k'}));
    assertInvalid(b64(new byte[] {0, 'k'}));
  }

  @Test
  void decode_invalidUtf8() {
    assertInvalid(b64(new byte[] {1, (byte) 0xFF}));
    assertInvalid(b64(new byte[] {1, (byte) 0xC3}));
    assertInvalid(b64(new byte[] {1, (byte) 0xED, (byte) 0xA0, (byte) 0x80}));
    assertInvalid(b64(new byte[] {1, (byte) 0xC0, (byte) 0xAF}));
  }

  @Test
  void decode_lengthLimit600Bytes() {
    byte[] ok = new byte[600];
    ok[0] = 1;
    java.util.Arrays.fill(ok, 1, ok.length, (byte) 'x');
    assertThat(CursorCodec.decode(b64(ok))).isEqualTo("x".repeat(599));
    byte[] tooLong = new byte[601];
    tooLong[0] = 1;
    java.util.Arrays.fill(tooLong, 1, tooLong.length, (byte) 'x');
    assertInvalid(b64(tooLong));
    assertInvalid("A".repeat(100_000));
  }
}
