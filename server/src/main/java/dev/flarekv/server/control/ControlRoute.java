package dev.flarekv.server.control;

import dev.flarekv.protocol.error.KvException;
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
 */
public record ControlRoute(HttpMethod method, String template, Handler handler) {
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
