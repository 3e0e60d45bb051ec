package dev.flarekv.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StrictUtf8Test {

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  @Test
  void encodesWellFormedTextIncludingSupplementaryCharacters() {
    String text = "k\u00e9y-\uD83D\uDE00";
    assertThat(StrictUtf8.encode(text).map(StrictUtf8Test::bytes))
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void refusesUnpairedSurrogatesWhereGetBytesWouldWriteAQuestionMark() {
    assertThat(StrictUtf8.encode("a\uD800b")).isEmpty();
    assertThat(StrictUtf8.encode("\uDC00")).isEmpty();
    assertThat(StrictUtf8.encode("\uD83D")).isEmpty();
  }

  @Test
  void decodesOnlyTheBufferWindow() {
    byte[] payload = "xhello".getBytes(StandardCharsets.UTF_8);
    assertThat(StrictUtf8.decode(ByteBuffer.wrap(payload, 1, payload.length - 1)))
        .contains("hello");
    assertThat(StrictUtf8.decode(ByteBuffer.allocate(0))).contains("");
  }

  @Test
  void refusesMalformedBytesWhereNewStringWouldWriteUfffd() {
    // a lone continuation byte, a truncated two-byte sequence, an overlong '/' and an encoded
    // surrogate
    assertThat(StrictUtf8.decode(ByteBuffer.wrap(new byte[] {(byte) 0x80}))).isEmpty();
    assertThat(StrictUtf8.decode(ByteBuffer.wrap(new byte[] {'a', (byte) 0xC3}))).isEmpty();
    assertThat(StrictUtf8.decode(ByteBuffer.wrap(new byte[] {(byte) 0xC0, (byte) 0xAF}))).isEmpty();
    assertThat(
            StrictUtf8.decode(ByteBuffer.wrap(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})))
        .isEmpty();
  }
}
