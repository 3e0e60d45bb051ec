package dev.flarekv.protocol.codec;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * UTF-8 that refuses what it cannot represent exactly: text with an unpaired surrogate does not
 * encode, and bytes that are not well-formed UTF-8 do not decode. {@link String#getBytes} and
 * {@code new String(bytes, UTF_8)} would replace both silently with {@code ?} or U+FFFD.
 */
public final class StrictUtf8 {
  private StrictUtf8() {}

  /** The UTF-8 bytes of {@code text}, or empty when it holds an unpaired surrogate. */
  public static Optional<ByteBuffer> encode(CharSequence text) {
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(text)));
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /** The text {@code bytes} (from position to limit) hold, or empty when not well-formed UTF-8. */
  public static Optional<String> decode(ByteBuffer bytes) {
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(bytes)
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
