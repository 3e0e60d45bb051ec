package dev.flarekv.protocol.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * The one JSON configuration of flarekv. Every component reads and writes JSON through {@link
 * #mapper()} so that limits and number handling are the same on every surface.
 *
 * <p>Configuration and why:
 *
 * <ul>
 *   <li>Nesting depth at most {@value #MAX_NESTING_DEPTH} and strings at most {@value
 *       #MAX_STRING_LENGTH} characters (a 25 MiB value in a 100 MB bulk body fits; nothing bigger).
 *   <li>Exactly one JSON value per document: trailing tokens fail.
 *   <li>Unknown properties are ignored (Cloudflare clients send fields we do not model).
 *   <li>Floating-point numbers are read as {@link java.math.BigDecimal} without stripping trailing
 *       zeros, so a number written by a client is written back as the same value and in nearly the
 *       same text ({@code 1.50} stays {@code 1.50}); {@code 1e400} never becomes {@code Infinity}.
 *   <li>{@code isXxx()} methods are not auto-detected as properties; records serialize their
 *       components, plain classes their public getters and fields.
 *   <li>Parse errors never echo the input ({@code INCLUDE_SOURCE_IN_LOCATION} off).
 * </ul>
 */
public final class KvJson {
  /**
   * Maximum nesting depth of any JSON document flarekv reads. Metadata has no depth limit of its
   * own: its 1,024-byte limit already bounds it, since the deepest value that fits ({@code
   * [[[…]]]}) is 512 levels. In a bulk body that value sits two levels down (array, item object),
   * so 1,000 (Jackson's own default) never refuses metadata Cloudflare accepts, and still bounds
   * what a 100 MB body can make the parser and every recursive walk over the tree do.
   */
  public static final int MAX_NESTING_DEPTH = 1000;

  /** Maximum length of one JSON string, in characters. */
  public static final int MAX_STRING_LENGTH = 120_000_000;

  private static final String INVALID_BODY = "Invalid JSON body";

  private static final ObjectMapper MAPPER = build();

  /** Reads one value of a longer document: what follows it is the caller's business. */
  private static final ObjectReader PIECE_READER =
      MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private KvJson() {}

  private static ObjectMapper build() {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxStringLength(MAX_STRING_LENGTH)
                    .build())
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
    return JsonMapper.builder(factory)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
        .build();
  }

  /**
   * The shared mapper. Thread-safe; callers must not reconfigure it (use {@code copy()} for a
   * variant).
   */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** The compact (no whitespace) JSON text of a node. */
  public static String compact(JsonNode node) {
    Objects.requireNonNull(node, "node");
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot serialize JSON node", e);
    }
  }

  /**
   * Parses a request body that must be exactly one JSON value.
   *
   * @throws KvException INVALID_REQUEST {@code "Invalid JSON body"} when the body is empty,
   *     malformed or followed by more tokens; {@code "Invalid JSON body: nesting depth exceeds
   *     1000"} or {@code "Invalid JSON body: exceeds size limits"} when a limit is hit
   */
  public static JsonNode parse(byte[] json) {
    if (json == null || json.length == 0) {
      throw ErrorCode.INVALID_REQUEST.exception(INVALID_BODY);
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (IOException e) {
      throw invalidBody(e);
    }
    if (node == null || node.isMissingNode()) {
      throw ErrorCode.INVALID_REQUEST.exception(INVALID_BODY);
    }
    return node;
  }

  /**
   * A parser over a request body that is read one piece at a time (the items of a bulk write), with
   * the same limits as {@link #parse}. Read pieces with {@link #readTree(JsonParser)}; map a
   * failure with {@link #invalidBody(IOException)}.
   */
  public static JsonParser parser(InputStream json) throws IOException {
    return MAPPER.createParser(json);
  }

  /**
   * The value starting at the parser's current token as a tree, as {@link #parse} would build it;
   * the parser is left on the value's last token and may go on to the next value.
   */
  public static JsonNode readTree(JsonParser parser) throws IOException {
    return PIECE_READER.readTree(parser);
  }

  /** The error {@link #parse} reports for a body that failed to parse with {@code e}. */
  public static KvException invalidBody(IOException e) {
    return e instanceof StreamConstraintsException limit
        ? constraintViolation(INVALID_BODY, limit)
        : ErrorCode.INVALID_REQUEST.exception(INVALID_BODY);
  }

  private static KvException constraintViolation(String prefix, StreamConstraintsException e) {
    String detail = String.valueOf(e.getOriginalMessage());
    if (detail.contains("nesting depth")) {
      return ErrorCode.INVALID_REQUEST.exception(
          prefix + ": nesting depth exceeds " + MAX_NESTING_DEPTH);
    }
    return ErrorCode.INVALID_REQUEST.exception(prefix + ": exceeds size limits");
  }
}
