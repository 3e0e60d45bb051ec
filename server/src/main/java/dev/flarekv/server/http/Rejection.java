package dev.flarekv.server.http;

import dev.flarekv.server.api.ApiReply;

/**
 * A request refused before its body was buffered ({@link BodyAggregator}); travels down the
 * pipeline in place of the request so its answer keeps its place in a pipelined sequence.
 */
record Rejection(ApiReply reply, boolean keepAlive) {}
