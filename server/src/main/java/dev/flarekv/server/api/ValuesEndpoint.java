package dev.flarekv.server.api;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.protocol.validation.KvValidator;
import dev.flarekv.server.pipeline.KvOperation;
import dev.flarekv.server.pipeline.KvOperation.Kind;
import dev.flarekv.server.pipeline.KvOperation.Origin;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;

/**
 * A7-A10 on the REST API: read, write and delete one value; read its metadata. Parses each request
 * into its {@link KvOperation} and renders the result.
 */
public final class ValuesEndpoint {
  private final InstantSource clock;

  public ValuesEndpoint(InstantSource clock) {
    this.clock = clock;
  }

  /** A7 ({@code memoryOnly}: from memory or not at all), A9, A10. */
  static KvOperation ofKey(Kind kind, Origin origin, NamespaceRef ns, String rawKey) {
    return KvOperation.ofKey(kind, origin, ns, PathKey.of(rawKey));
  }

  /**
   * A8: the body is the value (any content type), or {@code multipart/form-data} with a {@code
   * value} part and an optional {@code metadata} part.
   */
  KvOperation put(Origin origin, NamespaceRef ns, String rawKey, ApiRequest request) {
    String key = PathKey.of(rawKey);
    long expiration =
        KvValidator.expiration(
            request.param("expiration"), request.param("expiration_ttl"), clock.millis());
    String contentType = request.header(HttpHeaderNames.CONTENT_TYPE.toString());
    byte[] value;
    String metadata;
    if (Multipart.isMultipart(contentType)) {
      Multipart.Form form = Multipart.parse(request);
      metadata = KvValidator.metadata(form.metadataJson());
      value = form.value();
    } else {
      metadata = null;
      value = Bodies.bytes(request);
    }
    KvValidator.valueSize(value.length);
    return KvOperation.put(origin, ns, new KvEntry(key, value, metadata, expiration));
  }

  /** A7: raw bytes without envelope, header {@code expiration} when the key expires. */
  static ApiReply value(Optional<KvEntry> found) {
    KvEntry entry = found.orElseThrow(() -> keyNotFound("get"));
    Map<String, String> headers =
        entry.expires() ? Map.of("expiration", Long.toString(entry.expiration())) : Map.of();
    return ApiReply.bytes(entry.value(), headers);
  }

  /** A10: the metadata JSON, {@code null} when the key has none. */
  static ApiReply metadata(Optional<KvEntry> found) {
    KvEntry entry = found.orElseThrow(() -> keyNotFound("get metadata"));
    return ApiReply.ok(entry.metadata() == null ? null : new RawJson(entry.metadata()));
  }

  private static KvException keyNotFound(String op) {
    return ErrorCode.KEY_NOT_FOUND.exception(op + ": 'key not found'");
  }
}
