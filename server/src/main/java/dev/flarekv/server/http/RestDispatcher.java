package dev.flarekv.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.api.ApiRequest;
import dev.flarekv.server.api.HeadRoute;
import dev.flarekv.server.api.RestApi;
import dev.flarekv.server.api.RestSurface;
import dev.flarekv.server.auth.Principal;
import dev.flarekv.server.auth.TokenAuthenticator;
import dev.flarekv.server.control.ControlApi;
import dev.flarekv.server.pipeline.KvExecutor;
import dev.flarekv.server.pipeline.KvOperation;
import dev.flarekv.server.pipeline.KvPipeline;
import dev.flarekv.server.pipeline.KvPolicy;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The REST listener after HTTP decoding: health and metrics, then for the API the route (decided
 * from the head, with its body limit), authentication and the account check, the route's parse into
 * a {@link KvOperation}, and the {@link KvPipeline} that runs it and renders the envelope.
 */
public final class RestDispatcher implements Dispatcher {
  /** What a token scoped to other accounts is told; names no account. */
  public static final String FORBIDDEN_MESSAGE =
      "Authentication error: this API token may not access that account";

  private final RestApi api;
  private final ControlApi controls;
  private final TokenAuthenticator auth;
  private final PrometheusMeterRegistry registry;
  private final KvPipeline pipeline;
  private final BooleanSupplier ready;
  private final Supplier<Optional<String>> degraded;

  /**
   * @param degraded why the store refuses writes right now ({@link
   *     dev.flarekv.storage.KvStore#degradedReason()}), for {@code /healthz}
   */
  public RestDispatcher(
      RestApi api,
      ControlApi controls,
      KvExecutor executor,
      List<KvPolicy> realism,
      TokenAuthenticator auth,
      PrometheusMeterRegistry registry,
      BooleanSupplier ready,
      Supplier<Optional<String>> degraded) {
    this.api = api;
    this.controls = controls;
    this.auth = auth;
    this.registry = registry;
    this.pipeline =
        KvPipeline.standard(
            executor, new RestSurface(), new RequestMetrics(registry, "rest"), realism);
    this.ready = ready;
    this.degraded = degraded;
  }

  @Override
  public ApiReply dispatch(ApiRequest request, KvOperation declined) {
    String path = request.rawPath();
    if (path.equals("/healthz")) {
      return health();
    }
    if (path.equals("/metrics")) {
      if (!auth.mayReadMetrics(request.header(HttpHeaderNames.AUTHORIZATION.toString()))) {
        return ApiReply.error(
            ErrorCode.AUTHENTICATION,
            "Authentication error: /metrics needs a bearer token (a metrics token or an API token)");
      }
      return new ApiReply(
          200,
          "text/plain; version=0.0.4; charset=utf-8",
          registry.scrape().getBytes(StandardCharsets.UTF_8),
          Map.of());
    }
    long start = System.nanoTime();
    String route = "unmatched";
    if (declined != null) { // a memory-only read that would have blocked
      // token, route, account and key were checked on the event loop
      return pipeline.run(declined.blockingRead(declined.namespace(), start));
    }
    KvOperation op;
    try {
      if (!path.equals(RestApi.PREFIX)
          && !path.startsWith(RestApi.PREFIX + "/")
          && !ControlApi.matches(path)) {
        throw ErrorCode.NO_ROUTE.exception("No route for that URI");
      }
      Principal principal =
          auth.principal(request.header(HttpHeaderNames.AUTHORIZATION.toString()));
      if (principal == null) {
        throw ErrorCode.AUTHENTICATION.exception("Authentication error");
      }
      RestApi.Route matched = route(request);
      RestApi.Call call = matched.callOrThrow();
      route = matched.name();
      if (matched.accountId() != null && !principal.mayAccess(matched.accountId())) {
        throw ErrorCode.FORBIDDEN.exception(FORBIDDEN_MESSAGE);
      }
      op = call.parse(request, KvOperation.Origin.rest(route, request.method(), start, principal));
    } catch (Throwable t) {
      op = KvOperation.rejected(KvOperation.Origin.rest(route, request.method(), start, null), t);
    }
    return pipeline.run(op);
  }

  /**
   * {@code /healthz}, and a read of one value served from memory, on the event loop. The read: only
   * once the token, the route and the account check pass, and the route has a memory-only call that
   * answers. Anything in doubt takes the blocking path, which reports every error itself.
   */
  @Override
  public Inline dispatchInline(ApiRequest request) {
    if (request.rawPath().equals("/healthz")) {
      return Inline.answered(
          health()); // never queued behind storage work: a probe must answer under load
    }
    if (!request.method().equals(HttpMethod.GET)
        || !request.rawPath().startsWith(RestApi.PREFIX + "/")) {
      return Inline.BLOCKING;
    }
    long start = System.nanoTime();
    Principal principal = auth.principal(request.header(HttpHeaderNames.AUTHORIZATION.toString()));
    if (principal == null) {
      return Inline.BLOCKING;
    }
    RestApi.Route matched = route(request);
    if (matched.inline() == null
        || (matched.accountId() != null && !principal.mayAccess(matched.accountId()))) {
      return Inline.BLOCKING;
    }
    KvOperation.Origin origin =
        KvOperation.Origin.rest(matched.name(), request.method(), start, principal);
    KvOperation op;
    try {
      op = matched.inline().parse(request, origin);
    } catch (KvException e) {
      op = KvOperation.rejected(origin, e);
    }
    return Inline.of(pipeline.run(op), op);
  }

  /** The route decided from the head, or (for a request made without one) from the request. */
  private RestApi.Route route(ApiRequest request) {
    if (request.route() instanceof RestApi.Route decided) {
      return decided;
    }
    if (ControlApi.matches(request.rawPath())) {
      return controls.match(request.method(), request.rawPath());
    }
    return match(
        request.method(),
        request.rawPath(),
        request.header(HttpHeaderNames.CONTENT_TYPE.toString()));
  }

  /**
   * The API route of a request under {@link RestApi#PREFIX} or {@link ControlApi#PREFIX}, decided
   * from its head; health, metrics and unknown paths take no body on a read and a small one
   * otherwise.
   */
  @Override
  public HeadRoute route(HttpRequest head) {
    String path = ApiRequest.rawPath(head.uri());
    if (ControlApi.matches(path)) {
      return controls.match(head.method(), path);
    }
    if (!path.startsWith(RestApi.PREFIX + "/")) {
      HttpMethod method = head.method();
      boolean read = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
      return read ? HeadRoute.NO_BODY : HeadRoute.NONE;
    }
    return match(head.method(), path, head.headers().get(HttpHeaderNames.CONTENT_TYPE));
  }

  private RestApi.Route match(HttpMethod method, String rawPath, String contentType) {
    return api.match(method, rawPath, !method.equals(HttpMethod.GET) && isMultipart(contentType));
  }

  private static boolean isMultipart(String type) {
    return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/");
  }

  /**
   * 200 {@code {"status":"ok"}} while serving; 200 {@code {"status":"degraded","reason":
   * "out_of_space","message":...}} while the store refuses writes but still serves reads and
   * deletes (docs/server.md); 503 while starting or stopping.
   */
  private ApiReply health() {
    if (!ready.getAsBoolean()) {
      return ApiReply.error(ErrorCode.UNAVAILABLE, "starting or stopping");
    }
    Optional<String> why = degraded.get();
    ObjectNode body = KvJson.mapper().createObjectNode();
    if (why.isEmpty()) {
      body.put("status", "ok");
    } else {
      body.put("status", "degraded").put("reason", "out_of_space").put("message", why.get());
    }
    return new ApiReply(
        200, "application/json", KvJson.compact(body).getBytes(StandardCharsets.UTF_8), Map.of());
  }
}
