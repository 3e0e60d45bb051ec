package dev.flarekv.server.http;

import dev.flarekv.server.api.ApiReply;

/**
 * A request refused before its body was buffered ({@link BodyAggregator}); travels down the
 * pipeline in place of the request so its answer keeps its place in a pipelined sequence.
 *
 * @param reply the answer, or null for {@link #CLOSE}
 * @param keepAlive whether the connection stays open after it
 */
record Rejection(ApiReply reply, boolean keepAlive) {
  /** No answer (the request had one already): close once every earlier request is answered. */
  static final Rejection CLOSE = new Rejection(null, false);
}
