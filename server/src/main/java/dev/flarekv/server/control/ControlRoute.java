package dev.flarekv.server.control;

import dev.flarekv.protocol.error.KvException;
import dev.flarekv.server.api.BodyLimit;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;

/**
 * One route of a {@link Control}.
 *
 * @param method the HTTP method
 * @param template the path under {@code /flarekv/v1/}, segments separated by {@code /}; a segment
 *     {@code {name}} matches any one non-empty segment, handed to the handler in order ({@link
 *     ControlRequest#pathParams})
 * @param handler what the route does
 * @param bodyLimit the largest body the route takes, or null for the default: none for GET and
 *     HEAD, a small JSON body otherwise
 */
public record ControlRoute(
    HttpMethod method, String template, Handler handler, BodyLimit bodyLimit) {
  /** A route with the default body limit. */
  public ControlRoute(HttpMethod method, String template, Handler handler) {
    this(method, template, handler, null);
  }

  /**
   * What a route does: its result, the envelope's {@code result} (serialized by Jackson), or an
   * {@link dev.flarekv.server.api.ApiReply} sent as it is.
   */
  @FunctionalInterface
  public interface Handler {
    /**
     * @throws KvException a refusal, answered in the failure envelope; the control's state is left
     *     as it was
     */
    Object handle(ControlRequest request);
  }

  List<String> segments() {
    return List.of(template.split("/"));
  }
}
