package dev.flarekv.server.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.handler.codec.http.HttpMethod;
import java.util.concurrent.TimeUnit;

/** The request timer shared by both surfaces: {@code flarekv.http.requests}. */
public final class RequestMetrics {
  private RequestMetrics() {}

  /** Records one request by surface, route template, method and status. */
  public static void record(
      MeterRegistry registry,
      String surface,
      String route,
      HttpMethod method,
      int status,
      long nanos) {
    String name = method.name();
    Timer.builder("flarekv.http.requests")
        .description("HTTP requests by surface, route, method and outcome")
        .tag("surface", surface)
        .tag("route", route)
        .tag("method", isStandard(name) ? name : "OTHER")
        .tag("status", Integer.toString(status))
        .tag("outcome", status < 400 ? "success" : status < 500 ? "client_error" : "server_error")
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
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
