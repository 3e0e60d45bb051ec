package dev.flarekv.server.http;

import dev.flarekv.protocol.error.ErrorCode;
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
import io.netty.handler.codec.http.HttpUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

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
  private final BooleanSupplier ready;

  public RestDispatcher(
      RestApi api,
      TokenAuthenticator auth,
      PrometheusMeterRegistry registry,
      BooleanSupplier ready) {
    this.api = api;
    this.auth = auth;
    this.registry = registry;
    this.ready = ready;
  }

  @Override
  public ApiReply dispatch(ApiRequest request) {
    String path = request.rawPath();
    if (path.equals("/healthz")) {
      return health();
    }
    if (path.equals("/metrics")) {
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
    RequestMetrics.record(
        registry, "rest", route, request.method(), reply.status(), System.nanoTime() - start);
    return reply;
  }

  /** A value write whose declared length is already over the limit is refused unread. */
  @Override
  public ApiReply precheck(HttpRequest head) {
    if (!head.method().equals(HttpMethod.PUT)) {
      return null;
    }
    long length = HttpUtil.getContentLength(head, -1L);
    if (length <= KvLimits.MAX_VALUE_SIZE_BYTES) {
      return null;
    }
    String uri = head.uri();
    int q = uri.indexOf('?');
    List<String> s = RestApi.segments(q < 0 ? uri : uri.substring(0, q));
    if (s.size() != 10 || !s.get(8).equals("values")) {
      return null;
    }
    String type = head.headers().get(HttpHeaderNames.CONTENT_TYPE);
    boolean multipart = type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/");
    if (!multipart) {
      return ApiReply.error(
          ErrorCode.PAYLOAD_TOO_LARGE, "Value length of " + length + " exceeds limit of 26214400.");
    }
    if (length > KvLimits.MAX_VALUE_SIZE_BYTES + MULTIPART_SLACK) {
      return ApiReply.error(
          ErrorCode.PAYLOAD_TOO_LARGE,
          "Request body of "
              + length
              + " bytes is too large for a value of at most 26214400 bytes");
    }
    return null;
  }

  /** Room for the metadata part and the multipart framing around a maximal value. */
  static final long MULTIPART_SLACK = 64 * 1024;

  private ApiReply health() {
    if (ready.getAsBoolean()) {
      return new ApiReply(
          200,
          "application/json",
          "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8),
          Map.of());
    }
    return ApiReply.error(ErrorCode.UNAVAILABLE, "starting or stopping");
  }
}
