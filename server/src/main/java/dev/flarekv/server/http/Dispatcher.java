package dev.flarekv.server.http;

import dev.flarekv.protocol.error.KvException;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.api.ApiRequest;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Turns one request into a reply. {@link #dispatch} runs on the storage executor, so it may block
 * on disk; it must not throw (failures become error replies).
 */
public interface Dispatcher {
  ApiReply dispatch(ApiRequest request);

  /** The reply for a request that could not even be parsed (for example a bad query escape). */
  default ApiReply error(KvException e) {
    return KvErrorMapper.reply(e);
  }

  /**
   * Looks at a request's head before its body is read, on the event loop (so it must be cheap and
   * never block). A non-null reply rejects the request at once; the body is then never read and the
   * connection is closed. Used to refuse a value write whose {@code Content-Length} is already over
   * the value limit without buffering it.
   */
  default ApiReply precheck(HttpRequest head) {
    return null;
  }
}
