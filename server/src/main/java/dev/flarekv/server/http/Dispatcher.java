package dev.flarekv.server.http;

import dev.flarekv.protocol.error.KvException;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.api.ApiRequest;
import dev.flarekv.server.api.BodyLimit;
import dev.flarekv.server.api.HeadRoute;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Turns one request into a reply. {@link #dispatch} runs on the storage executor, so it may block
 * on disk; it must not throw (failures become error replies).
 */
public interface Dispatcher {
  ApiReply dispatch(ApiRequest request);

  /**
   * Answers the request right here on the event loop when that needs no blocking at all (a read
   * served from memory, see {@code KvStore.getIfCached}), and returns null otherwise: the request
   * then goes to {@link #dispatch} on the storage executor, which gives the same answer. A read
   * that only missed memory may leave its checked operation on the request ({@link
   * ApiRequest#parsed}), so that {@link #dispatch} does not authenticate and validate it again.
   * Must never block; a throw counts as null. The default never answers inline.
   */
  default ApiReply dispatchInline(ApiRequest request) {
    return null;
  }

  /** The reply for a request that could not even be parsed (for example a bad query escape). */
  default ApiReply error(KvException e) {
    return KvErrorMapper.reply(e);
  }

  /**
   * The route of this request, decided once from its head on the event loop (cheap, never
   * blocking), with the body limit it takes: the most body bytes the request may carry (bodies over
   * it are never buffered), what one body byte costs the server-wide {@link BodyBudget} while the
   * request is in flight (1 for a body kept as it came, more for one also parsed into a larger
   * form), and how a body over it is reported ({@link BodyLimit#exceeded}, answered through {@link
   * #error}). The request carries the route on ({@link ApiRequest#route}) to {@link
   * #dispatchInline} and {@link #dispatch}. Without a route of its own a request takes a small JSON
   * body.
   */
  default HeadRoute route(HttpRequest head) {
    return HeadRoute.NONE;
  }
}
