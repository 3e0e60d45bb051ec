package dev.flarekv.server.binding;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.codec.CursorCodec;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.protocol.validation.KvValidator;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.api.ApiRequest;
import dev.flarekv.server.api.BulkEndpoint;
import dev.flarekv.server.api.HeadRoute;
import dev.flarekv.server.api.PathKey;
import dev.flarekv.server.auth.Principal;
import dev.flarekv.server.auth.TokenAuthenticator;
import dev.flarekv.server.http.Dispatcher;
import dev.flarekv.server.http.RequestMetrics;
import dev.flarekv.server.pipeline.KvExecutor;
import dev.flarekv.server.pipeline.KvOperation;
import dev.flarekv.server.pipeline.KvOperation.Kind;
import dev.flarekv.server.pipeline.KvPipeline;
import dev.flarekv.server.pipeline.KvPolicy;
import dev.flarekv.storage.KvStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;

/**
 * The workerd binding protocol (docs/kv-semantics.md §10, W1-W6): what workerd sends to the service
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
 * This class parses each request into a {@link KvOperation} (token, namespace, key and options
 * checked once) for the {@link KvPipeline}; {@link BindingSurface} renders the replies.
 */
public final class BindingDispatcher implements Dispatcher {
  static final String METADATA_HEADER = "CF-KV-Metadata";
  static final String EXPIRATION_HEADER = "CF-Expiration";

  /** The request header naming the edge location a read is served at (eventual consistency). */
  public static final String LOCATION_HEADER = "X-Flarekv-Location";

  private final KvStore store;
  private final InstantSource clock;
  private final TokenAuthenticator auth;
  private final NamespaceResolver namespaces;
  private final RequestMetrics metrics;
  private final BindingSurface surface = new BindingSurface();
  private final KvPipeline pipeline;

  public BindingDispatcher(
      KvStore store,
      InstantSource clock,
      KvExecutor executor,
      List<KvPolicy> realism,
      TokenAuthenticator auth,
      NamespaceResolver namespaces,
      MeterRegistry registry) {
    this.store = store;
    this.clock = clock;
    this.auth = auth;
    this.namespaces = namespaces;
    this.metrics = new RequestMetrics(registry, "binding");
    this.pipeline = KvPipeline.standard(executor, surface, metrics, realism);
  }

  /**
   * Both forms: the plain one, and Miniflare's remote-proxy form at {@code /ns/{id}}, unwrapped
   * ({@link RemoteProxyForm}) into a plain request for the same parsing. Routes of the latter are
   * counted as {@code ns/<route>}.
   */
  @Override
  public ApiReply dispatch(ApiRequest request, KvOperation declined) {
    long start = System.nanoTime();
    if (request.rawPath().equals("/healthz") && request.method().equals(HttpMethod.GET)) {
      // docs/server.md: "ok", or "degraded: <why>" while the store refuses writes
      return BindingSurface.text(
          200, null, store.degradedReason().map(why -> "degraded: " + why).orElse("ok"));
    }
    BindingHead head = BindingHead.of(request);
    if (head.websocket()) {
      return websocketProbe(request, start);
    }
    String route = head.metricName(BindingRoute.NONE);
    KvOperation op;
    try {
      ApiRequest inner = head.remote() ? RemoteProxyForm.unwrap(request) : request;
      Principal principal =
          declined != null
              ? declined.origin().principal()
              : auth.principal(inner.header(HttpHeaderNames.AUTHORIZATION.toString()));
      if (principal == null) {
        throw ErrorCode.AUTHENTICATION.exception("Authentication error");
      }
      route = head.metricName(head.route());
      KvOperation.Origin origin = origin(route, request.method(), start, principal, inner);
      op =
          declined != null
              // token, key and options were checked on the event loop; the namespace came from
              // memory, so it is resolved again now with the store's word that it still exists
              ? declined.blockingRead(namespace(inner, principal), start)
              : parse(head.route(), origin, inner);
    } catch (Throwable t) {
      op = KvOperation.rejected(rejectedOrigin(route, request.method(), start, request), t);
    }
    return pipeline.run(op);
  }

  private KvOperation parse(BindingRoute route, KvOperation.Origin origin, ApiRequest request) {
    HttpMethod method = request.method();
    switch (route) {
      case LIST:
        requireMethod(method, HttpMethod.GET);
        return list(origin, namespace(request, origin.principal()), request);
      case BULK_GET:
        requireMethod(method, HttpMethod.POST);
        return bulkGet(origin, namespace(request, origin.principal()), request);
      case KEY:
        String rawKey = request.rawPath().substring(1);
        if (method.equals(HttpMethod.GET)) {
          NamespaceRef ns = namespace(request, origin.principal());
          return get(Kind.GET, origin, ns, rawKey, request);
        }
        if (method.equals(HttpMethod.PUT)) {
          return put(origin, namespace(request, origin.principal()), rawKey, request);
        }
        if (method.equals(HttpMethod.DELETE)) {
          NamespaceRef ns = namespace(request, origin.principal());
          return KvOperation.ofKey(Kind.DELETE, origin, ns, PathKey.of(rawKey));
        }
        throw ErrorCode.METHOD_NOT_ALLOWED.exception("Method Not Allowed");
      default:
        return KvOperation.call(origin, () -> BindingSurface.text(404, null, "Not Found"));
    }
  }

  /**
   * Miniflare's WebSocket (RPC session) attempt before each remote-proxy operation: refused at
   * once, with no store call, so Miniflare goes on with the plain HTTP request.
   */
  private ApiReply websocketProbe(ApiRequest request, long start) {
    KvOperation.Origin origin = origin("ns/websocket", request.method(), start, null, request);
    return pipeline.run(
        KvOperation.call(
            origin,
            () ->
                BindingSurface.text(404, null, "Not Found: flarekv takes no WebSocket sessions")));
  }

  /**
   * W1 from memory: a GET of one key whose namespace is already known and whose record is in the
   * memtable or block cache is answered on the event loop. Everything else, errors included, goes
   * the blocking way; a read that only missed memory hands its checked operation on to it ({@link
   * Inline#declined}).
   */
  @Override
  public Inline dispatchInline(ApiRequest request) {
    if (!request.method().equals(HttpMethod.GET)) {
      return Inline.BLOCKING;
    }
    long start = System.nanoTime();
    BindingHead head = BindingHead.of(request);
    if (head.websocket()) {
      return Inline.answered(websocketProbe(request, start));
    }
    if (head.route() != BindingRoute.KEY || request.rawPath().equals("/healthz")) {
      return Inline.BLOCKING;
    }
    // a remote-proxy request that does not unwrap fails here: the blocking path reports it
    ApiRequest inner = head.remote() ? RemoteProxyForm.unwrap(request) : request;
    Principal principal = auth.principal(inner.header(HttpHeaderNames.AUTHORIZATION.toString()));
    NamespaceRef ns =
        principal == null
            ? null
            : namespaces.resolveIfKnown(
                inner.header(NamespaceResolver.HEADER),
                inner.header(NamespaceResolver.TITLE_HEADER));
    if (ns == null || !principal.mayAccess(ns.accountId())) {
      return Inline.BLOCKING;
    }
    String route = head.metricName(BindingRoute.KEY);
    KvOperation.Origin origin = origin(route, request.method(), start, principal, inner);
    KvOperation op = get(Kind.GET_CACHED, origin, ns, inner.rawPath().substring(1), inner);
    return Inline.of(pipeline.run(op), op);
  }

  /** See {@link BindingHead}: the form, the route and its body limit, from the head. */
  @Override
  public HeadRoute route(HttpRequest head) {
    return BindingHead.of(head.method(), head.uri(), head.headers());
  }

  /**
   * A binding request's origin, at the location its {@value #LOCATION_HEADER} header names.
   *
   * @throws KvException 400 when the header is not a location name ({@link EdgeLocation})
   */
  private static KvOperation.Origin origin(
      String route, HttpMethod method, long start, Principal principal, ApiRequest request) {
    return new KvOperation.Origin(
        KvOperation.Surface.BINDING,
        route,
        method,
        start,
        principal,
        EdgeLocation.of(request.header(LOCATION_HEADER)));
  }

  /** The origin of a request refused while parsing: never throws, whatever its headers. */
  private static KvOperation.Origin rejectedOrigin(
      String route, HttpMethod method, long start, ApiRequest request) {
    return new KvOperation.Origin(
        KvOperation.Surface.BINDING,
        route,
        method,
        start,
        null,
        EdgeLocation.orDefault(request.header(LOCATION_HEADER)));
  }

  /** The request's namespace, if the principal may reach its account. */
  private NamespaceRef namespace(ApiRequest request, Principal principal) {
    return namespaces.resolve(
        request.header(NamespaceResolver.HEADER),
        request.header(NamespaceResolver.TITLE_HEADER),
        principal::mayAccess);
  }

  /** W1. */
  private static KvOperation get(
      Kind kind, KvOperation.Origin origin, NamespaceRef ns, String rawKey, ApiRequest request) {
    String key = PathKey.of(rawKey);
    KvOperation.ReadOptions options =
        KvOperation.ReadOptions.of(KvValidator.cacheTtl(request.param("cache_ttl")));
    return KvOperation.ofKey(kind, origin, ns, key, options);
  }

  /** W2. */
  private KvOperation put(
      KvOperation.Origin origin, NamespaceRef ns, String rawKey, ApiRequest request) {
    String key = PathKey.of(rawKey);
    long expiration =
        KvValidator.expiration(
            request.param("expiration"), request.param("expiration_ttl"), clock.millis());
    String metadataHeader = request.header(METADATA_HEADER);
    String metadata = metadataHeader == null ? null : KvValidator.metadata(utf8(metadataHeader));
    KvValidator.valueSize(request.body().readableBytes());
    byte[] value = ByteBufUtil.getBytes(request.body());
    return KvOperation.put(origin, ns, new KvEntry(key, value, metadata, expiration));
  }

  /** W4. */
  private static KvOperation list(KvOperation.Origin origin, NamespaceRef ns, ApiRequest request) {
    int limit = KvValidator.bindingListLimit(request.param("key_count_limit"));
    String prefix = KvValidator.validatePrefix(request.param("prefix"));
    String startAfter = CursorCodec.decode(request.param("cursor"));
    return KvOperation.list(origin, ns, new KvOperation.ListQuery(prefix, startAfter, limit));
  }

  /** W5: a plain JSON object, no envelope; type and withMetadata applied here. */
  private static KvOperation bulkGet(
      KvOperation.Origin origin, NamespaceRef ns, ApiRequest request) {
    if (!request.body().isReadable()) {
      throw ErrorCode.INVALID_REQUEST.exception("Request body is empty; expected JSON");
    }
    JsonNode body = KvJson.parse(ByteBufUtil.getBytes(request.body()));
    KvOperation.BulkRead read = BulkEndpoint.read(body); // validates cacheTtl too
    KvOperation.ReadOptions options = KvOperation.ReadOptions.of(BulkEndpoint.cacheTtl(body));
    return KvOperation.bulkGet(origin, ns, read, options);
  }

  private static void requireMethod(HttpMethod actual, HttpMethod allowed) {
    if (!actual.equals(allowed)) {
      throw ErrorCode.METHOD_NOT_ALLOWED.exception("Method Not Allowed");
    }
  }

  @Override
  public ApiReply error(KvException e) {
    return surface.error(e);
  }

  /** Header values arrive as one char per byte; workerd sends the metadata JSON as UTF-8. */
  static String utf8(String headerValue) {
    return new String(headerValue.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }
}
