package dev.flarekv.server.pipeline;

import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.http.RequestMetrics;

/**
 * Times each request, from when it was taken up to its rendered reply, in {@code
 * flarekv.http.requests} by surface, route, method and status ({@link RequestMetrics}). A
 * memory-only read that declines is not counted: its blocking retry is.
 */
public final class MeteringPolicy implements KvPolicy {
  private final RequestMetrics metrics;

  public MeteringPolicy(RequestMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public ApiReply apply(KvOperation op, Next next) {
    ApiReply reply = next.proceed(op);
    if (reply != null) {
      KvOperation.Origin origin = op.origin();
      metrics.record(
          origin.route(), origin.method(), reply.status(), System.nanoTime() - origin.startNanos());
    }
    return reply;
  }
}
