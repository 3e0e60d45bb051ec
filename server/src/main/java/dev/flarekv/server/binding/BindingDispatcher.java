package dev.flarekv.server.binding;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.codec.CursorCodec;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.KeyPage;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.protocol.validation.KvLimits;
import dev.flarekv.protocol.validation.KvValidator;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.api.ApiRequest;
import dev.flarekv.server.api.BulkEndpoint;
import dev.flarekv.server.auth.Principal;
import dev.flarekv.server.auth.TokenAuthenticator;
import dev.flarekv.server.http.Dispatcher;
import dev.flarekv.server.http.KvErrorMapper;
import dev.flarekv.server.http.RequestMetrics;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.ReadAttempt;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The workerd binding protocol (kv-semantics.md §10, W1-W6): what workerd sends to the service
 * behind a {@code kvNamespace} binding.
 *
 * <pre>
 *   GET    /{key}?urlencoded=true[&amp;cache_ttl=N]            value bytes, CF-KV-Metadata, CF-Expiration
 *   PUT    /{key}?urlencoded=true[&amp;expiration|expiration_ttl] body = value, CF-KV-Metadata header
 *   DELETE /{key}?urlencoded=true
 *   GET    /?key_count_limit&amp;prefix&amp;cursor                   {keys, list_complete, cursor?, cacheStatus}
 *   POST   /bulk/get                                        {key: value | {value, metadata} | null}
 * </pre>
 *
 * Errors carry their message in the reason phrase (and the body), because workerd turns a non-2xx
 * answer into {@code KV <OP> failed: <status> <reason phrase>}.
 */
public final class BindingDispatcher implements Dispatcher {
  static final String METADATA_HEADER = "CF-KV-Metadata";
  static final String EXPIRATION_HEADER = "CF-Expiration";

  private final KvStore store;
  private final InstantSource clock;
  private final BulkEndpoint bulk;
  private final TokenAuthenticator auth;
  private final NamespaceResolver namespaces;
  private final RequestMetrics metrics;

  public BindingDispatcher(
      KvStore store,
      InstantSource clock,
      BulkEndpoint bulk,
      TokenAuthenticator auth,
      NamespaceResolver namespaces,
      MeterRegistry registry) {
    this.store = store;
    this.clock = clock;
    this.bulk = bulk;
    this.auth = auth;
    this.namespaces = namespaces;
    this.metrics = new RequestMetrics(registry, "binding");
  }

  /**
   * Both forms: the plain one, and Miniflare's remote-proxy form at {@code /ns/{id}}, unwrapped
   * ({@link RemoteProxyForm}) into a plain request for the same handlers. Routes of the latter are
   * counted as {@code ns/<route>}.
   */
  @Override
  public ApiReply dispatch(ApiRequest request) {
    long start = System.nanoTime();
    String form = RemoteProxyForm.matches(request.rawPath()) ? "ns/" : "";
    String route = form + "unmatched";
    ApiReply reply;
    try {
      if (request.rawPath().equals("/healthz") && request.method().equals(HttpMethod.GET)) {
        // docs/server.md: "ok", or "degraded: <why>" while the store refuses writes
        return text(200, null, store.degradedReason().map(why -> "degraded: " + why).orElse("ok"));
      }
      if (!form.isEmpty() && RemoteProxyForm.isUpgrade(request)) {
        return websocketProbe(request, start);
      }
      ApiRequest op = form.isEmpty() ? request : RemoteProxyForm.unwrap(request);
      Principal principal = auth.principal(op.header(HttpHeaderNames.AUTHORIZATION.toString()));
      if (principal == null) {
        throw ErrorCode.AUTHENTICATION.exception("Authentication error");
      }
      String path = op.rawPath();
      HttpMethod method = op.method();
      if (path.equals("/")) {
        route = form + "list";
        requireMethod(method, HttpMethod.GET);
        reply = list(namespace(op, principal), op);
      } else if (path.equals("/bulk/get")) {
        route = form + "bulk/get";
        requireMethod(method, HttpMethod.POST);
        reply = bulkGet(namespace(op, principal), op);
      } else if (path.startsWith("/") && path.indexOf('/', 1) < 0) {
        route = form + "key";
        String rawKey = path.substring(1);
        if (method.equals(HttpMethod.GET)) {
          reply = get(namespace(op, principal), rawKey, op);
        } else if (method.equals(HttpMethod.PUT)) {
          reply = put(namespace(op, principal), rawKey, op);
        } else if (method.equals(HttpMethod.DELETE)) {
          reply = delete(namespace(op, principal), rawKey);
        } else {
          throw ErrorCode.METHOD_NOT_ALLOWED.exception("Method Not Allowed");
        }
      } else {
        reply = text(404, null, "Not Found");
      }
    } catch (Throwable t) {
      reply = error(t);
    }
    metrics.record(route, request.method(), reply.status(), System.nanoTime() - start);
    return reply;
  }

  /**
   * Miniflare's WebSocket (RPC session) attempt before each remote-proxy operation: refused at
   * once, with no store call, so Miniflare goes on with the plain HTTP request.
   */
  private ApiReply websocketProbe(ApiRequest request, long start) {
    ApiReply reply = text(404, null, "Not Found: flarekv takes no WebSocket sessions");
    metrics.record("ns/websocket", request.method(), reply.status(), System.nanoTime() - start);
    return reply;
  }

  /**
   * W1 from memory: a GET of one key whose namespace is already known and whose record is in the
   * memtable or block cache is answered on the event loop. Everything else, errors included, goes
   * the blocking way.
   */
  @Override
  public ApiReply dispatchInline(ApiRequest request) {
    if (!request.method().equals(HttpMethod.GET)) {
      return null;
    }
    long start = System.nanoTime();
    String route = "key";
    if (RemoteProxyForm.matches(request.rawPath())) {
      if (RemoteProxyForm.isUpgrade(request)) {
        return websocketProbe(request, start);
      }
      route = "ns/key";
      request = RemoteProxyForm.unwrap(request); // a failure: the blocking path reports it
    }
    String path = request.rawPath();
    if (path.length() < 2
        || path.charAt(0) != '/'
        || path.indexOf('/', 1) >= 0
        || path.equals("/healthz")) {
      return null;
    }
    Principal principal = auth.principal(request.header(HttpHeaderNames.AUTHORIZATION.toString()));
    NamespaceRef ns =
        principal == null
            ? null
            : namespaces.resolveIfKnown(
                request.header(NamespaceResolver.HEADER),
                request.header(NamespaceResolver.TITLE_HEADER));
    if (ns == null || !principal.mayAccess(ns.accountId())) {
      return null;
    }
    String key = KvValidator.validateKey(KvValidator.decodeKey(path.substring(1)));
    KvValidator.cacheTtl(request.param("cache_ttl"));
    ReadAttempt attempt = store.getIfCached(ns, key);
    if (!attempt.answered()) {
      return null;
    }
    ApiReply reply = valueReply(attempt.entry());
    metrics.record(route, request.method(), reply.status(), System.nanoTime() - start);
    return reply;
  }

  /** A value write may carry a value; a bulk get 100 keys; nothing else has a body. */
  @Override
  public long bodyLimit(HttpRequest head) {
    if (head.method().equals(HttpMethod.PUT)) {
      return KvLimits.MAX_VALUE_SIZE_BYTES;
    }
    if (head.method().equals(HttpMethod.POST)) {
      return BULK_GET_BODY_LIMIT;
    }
    return 0;
  }

  @Override
  public ApiReply oversized(HttpRequest head, long length) {
    String message =
        head.method().equals(HttpMethod.PUT) && length >= 0
            ? "Value length of "
                + length
                + " exceeds limit of "
                + KvLimits.MAX_VALUE_SIZE_BYTES
                + "."
            : "Request body of "
                + (length >= 0 ? length + " bytes" : "more than " + bodyLimit(head) + " bytes")
                + " exceeds the limit of "
                + bodyLimit(head)
                + " bytes";
    return text(413, message, message);
  }

  /** 100 keys of 512 bytes, escaped, plus options. */
  static final long BULK_GET_BODY_LIMIT = 1 << 20;

  /**
   * The request's namespace, if the principal may reach its account. Checked before a namespace
   * named by title would be created, so a scoped token never creates one in another account.
   */
  private NamespaceRef namespace(ApiRequest request, Principal principal) {
    String id = request.header(NamespaceResolver.HEADER);
    String title = request.header(NamespaceResolver.TITLE_HEADER);
    if (namespaces.byTitle(id, title) && !principal.mayAccess(namespaces.defaultAccount())) {
      throw forbidden();
    }
    NamespaceRef ns = namespaces.resolve(id, title);
    if (!principal.mayAccess(ns.accountId())) {
      throw forbidden();
    }
    return ns;
  }

  private static KvException forbidden() {
    return ErrorCode.FORBIDDEN.exception(
        "Forbidden: this token may not access the KV namespace's account");
  }

  /** W1. */
  private ApiReply get(NamespaceRef ns, String rawKey, ApiRequest request) {
    String key = KvValidator.validateKey(KvValidator.decodeKey(rawKey));
    KvValidator.cacheTtl(request.param("cache_ttl"));
    return valueReply(store.get(ns, key));
  }

  private static ApiReply valueReply(Optional<KvEntry> found) {
    if (found.isEmpty()) {
      return text(404, null, "Not Found");
    }
    KvEntry entry = found.get();
    Map<String, String> headers = new LinkedHashMap<>();
    if (entry.metadata() != null) {
      headers.put(METADATA_HEADER, latin1(entry.metadata()));
    }
    if (entry.expires()) {
      headers.put(EXPIRATION_HEADER, Long.toString(entry.expiration()));
    }
    return new ApiReply(200, null, "application/octet-stream", entry.value(), headers);
  }

  /** W2. */
  private ApiReply put(NamespaceRef ns, String rawKey, ApiRequest request) {
    String key = KvValidator.validateKey(KvValidator.decodeKey(rawKey));
    long expiration =
        KvValidator.expiration(
            request.param("expiration"), request.param("expiration_ttl"), clock.millis());
    String metadataHeader = request.header(METADATA_HEADER);
    String metadata = metadataHeader == null ? null : KvValidator.metadata(utf8(metadataHeader));
    KvValidator.valueSize(request.body().readableBytes());
    byte[] value = ByteBufUtil.getBytes(request.body());
    store.put(ns, new KvEntry(key, value, metadata, expiration));
    return text(200, null, "");
  }

  /** W3. */
  private ApiReply delete(NamespaceRef ns, String rawKey) {
    String key = KvValidator.validateKey(KvValidator.decodeKey(rawKey));
    store.delete(ns, key);
    return text(200, null, "");
  }

  /** W4: metadata travels as a JSON-encoded string, which workerd parses. */
  private ApiReply list(NamespaceRef ns, ApiRequest request) {
    int limit = KvValidator.bindingListLimit(request.param("key_count_limit"));
    String prefix = KvValidator.validatePrefix(request.param("prefix"));
    String startAfter = CursorCodec.decode(request.param("cursor"));
    KeyPage page = store.list(ns, prefix, startAfter, limit);
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

  /** W5: a plain JSON object, no envelope; type and withMetadata applied here. */
  private ApiReply bulkGet(NamespaceRef ns, ApiRequest request) {
    if (!request.body().isReadable()) {
      throw ErrorCode.INVALID_REQUEST.exception("Request body is empty; expected JSON");
    }
    JsonNode body = KvJson.parse(ByteBufUtil.getBytes(request.body()));
    JsonNode values = bulk.values(ns, body);
    try {
      return ApiReply.json(KvJson.mapper().writeValueAsBytes(values));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void requireMethod(HttpMethod actual, HttpMethod allowed) {
    if (!actual.equals(allowed)) {
      throw ErrorCode.METHOD_NOT_ALLOWED.exception("Method Not Allowed");
    }
  }

  @Override
  public ApiReply error(KvException e) {
    return error((Throwable) e);
  }

  /** The error as workerd shows it: status plus the message as reason phrase and body. */
  private static ApiReply error(Throwable t) {
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

  private static ApiReply text(int status, String reason, String body) {
    return new ApiReply(
        status,
        reason,
        "text/plain;charset=UTF-8",
        body.getBytes(StandardCharsets.UTF_8),
        Map.of());
  }

  /** Header values arrive as one char per byte; workerd sends the metadata JSON as UTF-8. */
  static String utf8(String headerValue) {
    return new String(headerValue.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }

  /** The inverse: one char per UTF-8 byte, so Netty writes the UTF-8 bytes unchanged. */
  static String latin1(String text) {
    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }
}
