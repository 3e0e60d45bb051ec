package dev.flarekv.server.api;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.protocol.validation.KvValidator;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.ReadAttempt;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;

/** A7-A10: read, write and delete one value; read its metadata. */
public final class ValuesEndpoint {
  private final KvStore store;
  private final InstantSource clock;

  public ValuesEndpoint(KvStore store, InstantSource clock) {
    this.store = store;
    this.clock = clock;
  }

  /** A7: raw bytes without envelope, header {@code expiration} when the key expires. */
  ApiReply get(NamespaceRef ns, String rawKey) {
    return valueReply(find(ns, key(rawKey), "get"));
  }

  /** A7 from memory, or null when the store would block (then {@link #get} answers). */
  ApiReply getIfCached(NamespaceRef ns, String rawKey) {
    ReadAttempt attempt = store.getIfCached(ns, key(rawKey));
    if (!attempt.answered()) {
      return null;
    }
    return valueReply(attempt.entry().orElseThrow(() -> keyNotFound("get")));
  }

  private static ApiReply valueReply(KvEntry entry) {
    Map<String, String> headers =
        entry.expires() ? Map.of("expiration", Long.toString(entry.expiration())) : Map.of();
    return ApiReply.bytes(entry.value(), headers);
  }

  /** A10: the metadata JSON, {@code null} when the key has none. */
  ApiReply metadata(NamespaceRef ns, String rawKey) {
    String key = key(rawKey);
    KvEntry entry = find(ns, key, "get metadata");
    return ApiReply.ok(entry.metadata() == null ? null : new RawJson(entry.metadata()));
  }

  /**
   * A8: the body is the value (any content type), or {@code multipart/form-data} with a {@code
   * value} part and an optional {@code metadata} part.
   */
  ApiReply put(NamespaceRef ns, String rawKey, ApiRequest request) {
    String key = key(rawKey);
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
    store.put(ns, new KvEntry(key, value, metadata, expiration));
    return ApiReply.ok(Map.of());
  }

  /** A9: deleting a missing key succeeds. */
  ApiReply delete(NamespaceRef ns, String rawKey) {
    String key = key(rawKey);
    store.delete(ns, key);
    return ApiReply.ok(Map.of());
  }

  private KvEntry find(NamespaceRef ns, String key, String op) {
    Optional<KvEntry> entry = store.get(ns, key);
    return entry.orElseThrow(() -> keyNotFound(op));
  }

  private static KvException keyNotFound(String op) {
    return ErrorCode.KEY_NOT_FOUND.exception(op + ": 'key not found'");
  }

  static String key(String rawKey) {
    return KvValidator.validateKey(KvValidator.decodeKey(rawKey));
  }
}
