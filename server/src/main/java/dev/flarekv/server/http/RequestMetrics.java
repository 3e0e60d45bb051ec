package dev.flarekv.server.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.handler.codec.http.HttpMethod;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The request timer of one surface: {@code flarekv.http.requests}, tagged by surface, route
 * template, method and status. Each tag combination's Timer is built once and then reused, so the
 * per-request cost is one map lookup rather than building and registering a meter id.
 */
public final class RequestMetrics {
  private final MeterRegistry registry;
  private final String surface;
  private final ConcurrentMap<Key, Timer> timers = new ConcurrentHashMap<>();

  private record Key(String route, String method, int status) {}

  /**
   * @param surface {@code rest} or {@code binding}
   */
  public RequestMetrics(MeterRegistry registry, String surface) {
    this.registry = registry;
    this.surface = surface;
  }

  /** Records one request by route template, method and status. */
  public void record(String route, HttpMethod method, int status, long nanos) {
    String name = isStandard(method.name()) ? method.name() : "OTHER";
    timers
        .computeIfAbsent(new Key(route, name, status), this::timer)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer timer(Key key) {
    int status = key.status();
    return Timer.builder("flarekv.http.requests")
        .description("HTTP requests by surface, route, method and outcome")
        .tag("surface", surface)
        .tag("route", key.route())
        .tag("method", key.method())
        .tag("status", Integer.toString(status))
        .tag("outcome", status < 400 ? "success" : status < 500 ? "client_error" : "server_error")
        .register(registry);
  }

  private static boolean isStandard(String method) {
    switch (method) {
      case "GET":
      case "PUT":
      case "POST":
      case "DELETE":
      case "HEAD":
      case "PATCH":
      case "OPTIONS":
        return true;
      default:
        return false;
    }
  }
}
