package dev.flarekv.server.pipeline;

import dev.flarekv.server.api.ApiReply;

/**
 * How one surface answers: the REST API in Cloudflare's envelope, the binding protocol as workerd
 * reads it (plain bodies, errors in the reason phrase). Parsing a request into a {@link
 * KvOperation} is the surface's dispatcher's job; this is the other half.
 */
public interface KvSurface {
  /**
   * The reply to a done operation. May throw a {@link dev.flarekv.protocol.error.KvException} (a
   * missing key on the REST API), which {@link #error} then renders.
   */
  ApiReply render(KvOperation op, KvResult result);

  /** The reply to a failure; never throws. */
  ApiReply error(Throwable failure);
}
