package dev.flarekv.server.control;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.api.BodyLimit;
import dev.flarekv.server.api.RestApi;
import dev.flarekv.server.pipeline.KvOperation;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;

/**
 * Routes the emulator controls under {@link #PREFIX} on the REST listener. A control route is a
 * {@link RestApi.Route} like any API route: decided from the request head, authenticated by the
 * REST dispatcher, run through the REST pipeline as a {@link KvOperation.Kind#CALL} (so it is
 * metered, and answered in the Cloudflare envelope), and refused for cross-site callers ({@link
 * SameOrigin}).
 */
public final class ControlApi {
  /** The path prefix of every control. */
  public static final String PREFIX = "/flarekv/v1";

  private final List<ControlRoute> routes = new ArrayList<>();

  public ControlApi(List<? extends Control> controls) {
    for (Control c : controls) {
      routes.addAll(c.routes());
    }
  }

  /** Whether a raw path is a control path. */
  public static boolean matches(String rawPath) {
    return rawPath.startsWith(PREFIX + "/");
  }

  /**
   * The route of a control request (a path under {@link #PREFIX}); never throws: an unknown path
   * gets NO_ROUTE and a known path with another method METHOD_NOT_ALLOWED as the route's failure.
   */
  public RestApi.Route match(HttpMethod method, String rawPath) {
    BodyLimit limit =
        method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD)
            ? BodyLimit.NONE
            : BodyLimit.SMALL;
    List<String> path = RestApi.segments(rawPath.substring(PREFIX.length()));
    boolean pathKnown = false;
    for (ControlRoute route : routes) {
      List<String> params = params(route.segments(), path);
      if (params == null) {
        continue;
      }
      pathKnown = true;
      if (route.method().equals(method)) {
        String name = "flarekv/v1/" + route.template();
        BodyLimit routeLimit = route.bodyLimit() != null ? route.bodyLimit() : limit;
        return new RestApi.Route(name, null, routeLimit, call(route, params), null, null);
      }
    }
    KvException failure =
        pathKnown
            ? ErrorCode.METHOD_NOT_ALLOWED.exception("Method not allowed for this control")
            : ErrorCode.NO_ROUTE.exception(
                "No control at that path; the controls are listed in docs/modes.md");
    return new RestApi.Route("unmatched", null, limit, null, null, failure);
  }

  private static RestApi.Call call(ControlRoute route, List<String> params) {
    return (request, origin) -> {
      SameOrigin.check(request);
      ControlRequest control = new ControlRequest(request, origin.principal(), params);
      return KvOperation.call(
          origin,
          () -> {
            Object result = route.handler().handle(control);
            // a control may answer a whole reply of its own (the change feed's stream)
            return result instanceof ApiReply reply ? reply : ApiReply.ok(result);
          });
    };
  }

  /** The template's parameter values for this path, or null when it does not match. */
  private static List<String> params(List<String> template, List<String> path) {
    if (template.size() != path.size()) {
      return null;
    }
    List<String> values = new ArrayList<>(2);
    for (int i = 0; i < template.size(); i++) {
      String t = template.get(i);
      String p = path.get(i);
      if (t.startsWith("{") && t.endsWith("}")) {
        if (p.isEmpty()) {
          return null;
        }
        values.add(p);
      } else if (!t.equals(p)) {
        return null;
      }
    }
    return List.copyOf(values);
  }
}
