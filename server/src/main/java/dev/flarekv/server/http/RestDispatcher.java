package dev.flarekv.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.protocol.validation.KvLimits;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.api.ApiRequest;
import dev.flarekv.server.api.RestApi;
import dev.flarekv.server.auth.Principal;
import dev.flarekv.server.auth.TokenAuthenticator;
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
 * The REST listener's request pipeline after HTTP decoding: health and metrics, authentication,
 * routing, the endpoint call and its timer.
 */
public final class RestDispatcher implements Dispatcher {
  /** What a token scoped to other accounts is told; names no account. */
  public static final String FORBIDDEN_MESSAGE =
      "Authentication error: this API token may not access that account";

  private final RestApi api;
  private final TokenAuthenticator auth;
  private final PrometheusMeterRegistry registry;
  private final RequestMetrics metrics;
  private final BooleanSupplier ready;
  private final Supplier<Optional<String>> degraded;

  /**
   * @param degraded why the store refuses writes right now ({@link
   *     dev.flarekv.storage.KvStore#degradedReason()}), for {@code /healthz}
   */
  public RestDispatcher(
      RestApi api,
      TokenAuthenticator auth,
      PrometheusMeterRegistry registry,
      BooleanSupplier ready,
      Supplier<Optional<String>> degraded) {
    this.api = api;
    this.auth = auth;
    this.registry = registry;
    this.metrics = new RequestMetrics(registry, "rest");
    this.ready = ready;
    this.degraded = degraded;
  }

  @Override
  public ApiReply dispatch(ApiRequest request) {
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
    ApiReply reply;
    try {
      if (!path.equals(RestApi.PREFIX) && !path.startsWith(RestApi.PREFIX + "/")) {
        throw ErrorCode.NO_ROUTE.exception("No route for that URI");
      }
      Principal principal =
          auth.principal(request.header(HttpHeaderNames.AUTHORIZATION.toString()));
      if (principal == null) {
        throw ErrorCode.AUTHENTICATION.exception("Authentication error");
      }
      RestApi.Route matched = api.route(request);
      route = matched.name();
      if (matched.accountId() != null && !principal.mayAccess(matched.accountId())) {
        throw ErrorCode.FORBIDDEN.exception(FORBIDDEN_MESSAGE);
      }
      reply = matched.call().handle(request);
    } catch (Throwable t) {
      reply = KvErrorMapper.reply(t);
    }
    metrics.record(route, request.method(), reply.status(), System.nanoTime() - start);
    return reply;
  }

  /**
   * {@code /healthz}, and a read of one value served from memory, on the event loop. The read: only
   * once the token, the route and the account check pass, and the route has a memory-only call that
   * answers. Anything in doubt returns null and takes the blocking path, which reports every error
   * itself.
   */
  @Override
  public ApiReply dispatchInline(ApiRequest request) {
    if (request.rawPath().equals("/healthz")) {
      return health(); // never queued behind storage work: a probe must answer under load
    }
    if (!request.method().equals(HttpMethod.GET)
        || !request.rawPath().startsWith(RestApi.PREFIX + "/")) {
      return null;
    }
    long start = System.nanoTime();
    Principal principal = auth.principal(request.header(HttpHeaderNames.AUTHORIZATION.toString()));
    if (principal == null) {
      return null;
    }
    RestApi.Route matched = api.route(request);
    if (matched.inline() == null
        || (matched.accountId() != null && !principal.mayAccess(matched.accountId()))) {
      return null;
    }
    ApiReply reply;
    try {
      reply = matched.inline().handle(request);
    } catch (KvException e) {
      reply = KvErrorMapper.reply(e);
    }
    if (reply != null) {
      metrics.record(matched.name(), request.method(), reply.status(), System.nanoTime() - start);
    }
    return reply;
  }

  /**
   * Body limits by route: a value write up to the value limit (plus multipart framing), a bulk
   * write up to 100 MB, a bulk delete of 10,000 escaped keys, and little for everything else.
   */
  @Override
  public long bodyLimit(HttpRequest head) {
    HttpMethod method = head.method();
    if (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD)) {
      return 0;
    }
    String uri = head.uri();
    int q = uri.indexOf('?');
    List<String> s = RestApi.segments(q < 0 ? uri : uri.substring(0, q));
    if (s.size() == 10 && s.get(8).equals("values")) {
      return isMultipart(head)
          ? KvLimits.MAX_VALUE_SIZE_BYTES + MULTIPART_SLACK
          : KvLimits.MAX_VALUE_SIZE_BYTES;
    }
    if (isBulkWrite(head, s)) {
      return KvLimits.MAX_BULK_WRITE_BODY_BYTES + BULK_SLACK;
    }
    if ((s.size() == 9 || s.size() == 10) && s.get(8).equals("bulk")) {
      return BULK_KEYS_LIMIT;
    }
    return DEFAULT_BODY_LIMIT;
  }

  /**
   * A bulk write holds its body (direct memory), the decoded values and their encoded records
   * (heap) and the native write batch built from them until it answers: {@value #BULK_WRITE_WEIGHT}
   * times its body (docs/reliability.md, "Bounded memory under bulk load"). Other bodies count
   * once.
   */
  @Override
  public int bodyWeight(HttpRequest head) {
    String uri = head.uri();
    int q = uri.indexOf('?');
    return isBulkWrite(head, RestApi.segments(q < 0 ? uri : uri.substring(0, q)))
        ? BULK_WRITE_WEIGHT
        : 1;
  }

  private static boolean isBulkWrite(HttpRequest head, List<String> segments) {
    return segments.size() == 9
        && segments.get(8).equals("bulk")
        && head.method().equals(HttpMethod.PUT);
  }

  /** A raw value over the limit is reported as Miniflare does: with the value's length. */
  @Override
  public ApiReply oversized(HttpRequest head, long length) {
    if (length >= 0
        && head.method().equals(HttpMethod.PUT)
        && bodyLimit(head) == KvLimits.MAX_VALUE_SIZE_BYTES) {
      return ApiReply.error(
          ErrorCode.PAYLOAD_TOO_LARGE,
          "Value length of " + length + " exceeds limit of " + KvLimits.MAX_VALUE_SIZE_BYTES + ".");
    }
    return Dispatcher.super.oversized(head, length);
  }

  private static boolean isMultipart(HttpRequest head) {
    String type = head.headers().get(HttpHeaderNames.CONTENT_TYPE);
    return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/");
  }

  /** Room for the metadata part and the multipart framing around a maximal value. */
  static final long MULTIPART_SLACK = 64 * 1024;

  /** Room for JSON framing around 100 MB of bulk items. */
  static final long BULK_SLACK = 1 << 20;

  /** Budget bytes per body byte of a bulk write (see {@link #bodyWeight}). */
  static final int BULK_WRITE_WEIGHT = 4;

  /** 10,000 keys of 512 bytes, each byte escaped in six characters at worst, plus framing. */
  static final long BULK_KEYS_LIMIT = 32L << 20;

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
