package dev.flarekv.server.http;

import dev.flarekv.protocol.error.KvException;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.api.ApiRequest;
import dev.flarekv.server.api.BodyLimit;
import dev.flarekv.server.api.HeadRoute;
import dev.flarekv.server.pipeline.KvOperation;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Turns one request into a reply. {@link #dispatch} runs on the storage executor, so it may block
 * on disk; it must not throw (failures become error replies).
 */
public interface Dispatcher {
  /**
   * The reply to a request.
   *
   * @param declined for a request whose memory-only read declined on the event loop ({@link
   *     Inline#declined}), that read's operation, already authenticated and checked, so only the
   *     blocking read is left to do; null otherwise
   */
  ApiReply dispatch(ApiRequest request, KvOperation declined);

  /** The reply to a request nothing was made of yet. */
  default ApiReply dispatch(ApiRequest request) {
    return dispatch(request, null);
  }

  /**
   * Answers the request right here on the event loop when that needs no blocking at all (a read
   * served from memory, see {@code KvStore.getIfCached}); otherwise the request goes to {@link
   * #dispatch} on the storage executor, which gives the same answer, with the checked operation of
   * a read that only missed memory, so that it does not authenticate and validate it again. Must
   * never block; a throw counts as {@link Inline#BLOCKING}. The default never answers inline.
   */
  default Inline dispatchInline(ApiRequest request) {
    return Inline.BLOCKING;
  }

  /**
   * What {@link #dispatchInline} made of a request.
   *
   * @param reply the answer, or null when the request must take the blocking way
   * @param declined for the blocking way: the memory-only read that declined, or null
   */
  record Inline(ApiReply reply, KvOperation declined) {
    /** Not answered here, nothing checked: the blocking way does everything. */
    public static final Inline BLOCKING = new Inline(null, null);

    public static Inline answered(ApiReply reply) {
      return new Inline(reply, null);
    }

    /**
     * The outcome of a memory-only read through the pipeline: answered, or declined (null reply)
     * with its operation left for the blocking retry.
     */
    public static Inline of(ApiReply reply, KvOperation op) {
      return reply != null ? answered(reply) : new Inline(null, op);
    }
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
