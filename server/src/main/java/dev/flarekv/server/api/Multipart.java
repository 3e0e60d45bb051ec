package dev.flarekv.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.json.KvJson;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.HttpData;
import io.netty.handler.codec.http.multipart.HttpPostMultipartRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the {@code multipart/form-data} form of a value write: a {@code value} part (plain field or
 * file, bytes kept exactly) and an optional {@code metadata} part holding JSON text.
 *
 * <p>The {@code cloudflare} SDK sends an object given as metadata as bracket-notation fields
 * ({@code metadata[owner]=x}, {@code metadata[a][b][]=1}); those are rebuilt into an object with
 * string leaves, the best that can be recovered since the SDK drops the types.
 */
final class Multipart {
  private static final int MAX_BRACKET_FIELDS = 256;

  private Multipart() {}

  /** The value bytes and the metadata JSON text (null when absent). */
  record Form(byte[] value, String metadataJson) {}

  static boolean isMultipart(String contentType) {
    return contentType != null
        && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
  }

  static Form parse(ApiRequest request) {
    DefaultHttpDataFactory factory = new DefaultHttpDataFactory(false);
    // The decoder retains its own slice of the body and releases it in destroy(); the request
    // handler still owns (and releases) the body itself.
    DefaultFullHttpRequest http =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.POST,
            "/",
            request.body().duplicate(),
            request.headers(),
            EmptyHttpHeaders.INSTANCE);
    HttpPostMultipartRequestDecoder decoder;
    try {
      decoder = new HttpPostMultipartRequestDecoder(factory, http, StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      throw ErrorCode.INVALID_REQUEST.exception("Malformed multipart/form-data body");
    }
    try {
      byte[] value = null;
      String metadata = null;
      ObjectNode brackets = null;
      int bracketFields = 0;
      for (InterfaceHttpData part : decoder.getBodyHttpDatas()) {
        if (!(part instanceof HttpData data)) {
          continue;
        }
        String name = part.getName();
        if (name.equals("value")) {
          value = data.get();
        } else if (name.equals("metadata")) {
          metadata = new String(data.get(), StandardCharsets.UTF_8);
        } else if (name.startsWith("metadata[")) {
          if (++bracketFields > MAX_BRACKET_FIELDS) {
            throw ErrorCode.INVALID_REQUEST.exception("Too many metadata fields");
          }
          if (brackets == null) {
            brackets = JsonNodeFactory.instance.objectNode();
          }
          addBracketField(brackets, name, new String(data.get(), StandardCharsets.UTF_8));
        }
      }
      if (value == null) {
        throw ErrorCode.INVALID_REQUEST.exception("Missing value field");
      }
      if (metadata == null && brackets != null) {
        metadata = KvJson.compact(brackets);
      }
      return new Form(value, metadata);
    } catch (IOException e) {
      throw ErrorCode.INVALID_REQUEST.exception("Malformed multipart/form-data body");
    } catch (RuntimeException e) {
      if (e instanceof dev.flarekv.protocol.error.KvException) {
        throw e;
      }
      throw ErrorCode.INVALID_REQUEST.exception("Malformed multipart/form-data body");
    } finally {
      decoder.destroy();
    }
  }

  /** Adds {@code metadata[a][b][]=v} to the tree. */
  static void addBracketField(ObjectNode root, String name, String value) {
    List<String> path = new ArrayList<>();
    int i = "metadata".length();
    while (i < name.length()) {
      if (name.charAt(i) != '[') {
        throw malformedField();
      }
      int close = name.indexOf(']', i);
      if (close < 0) {
        throw malformedField();
      }
      path.add(name.substring(i + 1, close));
      i = close + 1;
    }
    if (path.isEmpty() || path.size() > 16 || path.get(0).isEmpty()) {
      throw malformedField();
    }
    com.fasterxml.jackson.databind.JsonNode node = root;
    for (int p = 0; p < path.size(); p++) {
      String segment = path.get(p);
      boolean last = p == path.size() - 1;
      String next = last ? null : path.get(p + 1);
      if (node instanceof ObjectNode obj) {
        if (segment.isEmpty()) {
          throw malformedField();
        }
        if (last) {
          obj.put(segment, value);
        } else {
          com.fasterxml.jackson.databind.JsonNode child = obj.get(segment);
          if (child == null || child.isValueNode()) {
            child = next.isEmpty() ? obj.putArray(segment) : obj.putObject(segment);
          }
          node = child;
        }
      } else if (node instanceof ArrayNode arr) {
        if (last) {
          arr.add(value);
        } else {
          node = next.isEmpty() ? arr.addArray() : arr.addObject();
        }
      } else {
        throw malformedField();
      }
    }
  }

  private static RuntimeException malformedField() {
    return ErrorCode.INVALID_REQUEST.exception("Malformed metadata[...] field name");
  }
}
