package dev.flarekv.server.binding;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.flarekv.protocol.codec.CursorCodec;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.KeyPage;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.http.KvErrorMapper;
import dev.flarekv.server.pipeline.KvOperation;
import dev.flarekv.server.pipeline.KvResult;
import dev.flarekv.server.pipeline.KvSurface;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How the binding protocol answers, as workerd reads it: plain bodies and headers, no envelope, and
 * errors with their message as the reason phrase (and body), because workerd turns a non-2xx answer
 * into {@code KV <OP> failed: <status> <reason phrase>}.
 */
final class BindingSurface implements KvSurface {
  @Override
  public ApiReply render(KvOperation op, KvResult result) {
    switch (op.kind()) {
      case GET:
      case GET_CACHED:
        return value(result.entry());
      case PUT:
      case DELETE:
        return text(200, null, "");
      case LIST:
        return list(result.page());
      case BULK_GET:
        try {
          return ApiReply.json(KvJson.mapper().writeValueAsBytes(result.values()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      case CALL:
        return result.reply();
      default:
        throw new IllegalStateException("nothing to render for " + op);
    }
  }

  /** The error as workerd shows it: status plus the message as reason phrase and body. */
  @Override
  public ApiReply error(Throwable t) {
    if (t instanceof KvException e) {
      return text(e.errorCode().httpStatus(), e.getMessage(), e.getMessage());
    }
    ApiReply envelope = KvErrorMapper.reply(t); // logs unexpected failures
    String message =
        envelope.status() == 503
            ? "Service Unavailable: storage is out of space"
            : "Internal Server Error";
    return text(envelope.status(), message, message);
  }

  /** W1: the value's bytes, its metadata and expiration in headers; 404 when missing. */
  private static ApiReply value(Optional<KvEntry> found) {
    if (found.isEmpty()) {
      return text(404, null, "Not Found");
    }
    KvEntry entry = found.get();
    Map<String, String> headers = new LinkedHashMap<>();
    if (entry.metadata() != null) {
      headers.put(BindingDispatcher.METADATA_HEADER, latin1(entry.metadata()));
    }
    if (entry.expires()) {
      headers.put(BindingDispatcher.EXPIRATION_HEADER, Long.toString(entry.expiration()));
    }
    return new ApiReply(200, null, "application/octet-stream", entry.value(), headers);
  }

  /** W4: metadata travels as a JSON-encoded string, which workerd parses. */
  private static ApiReply list(KeyPage page) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 64 * page.keys().size());
    try (JsonGenerator json = KvJson.mapper().getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeArrayFieldStart("keys");
      for (KeyInfo key : page.keys()) {
        json.writeStartObject();
        json.writeStringField("name", key.name());
        if (key.expiration() != KvEntry.NO_EXPIRATION) {
          json.writeNumberField("expiration", key.expiration());
        }
        if (key.metadata() != null) {
          json.writeStringField("metadata", key.metadata());
        }
        json.writeEndObject();
      }
      json.writeEndArray();
      boolean complete = page.listComplete() || page.lastKey() == null;
      json.writeBooleanField("list_complete", complete);
      if (!complete) {
        json.writeStringField("cursor", CursorCodec.encode(page.lastKey()));
      }
      json.writeNullField("cacheStatus");
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ApiReply.json(out.toByteArray());
  }

  static ApiReply text(int status, String reason, String body) {
    return new ApiReply(
        status,
        reason,
        "text/plain;charset=UTF-8",
        body.getBytes(StandardCharsets.UTF_8),
        Map.of());
  }

  /** One char per UTF-8 byte, so Netty writes the UTF-8 bytes of a header value unchanged. */
  static String latin1(String text) {
    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }
}
