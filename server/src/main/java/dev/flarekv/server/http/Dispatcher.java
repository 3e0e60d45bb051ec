package dev.flarekv.server.http;

import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.api.ApiRequest;

/**
 * Turns one request into a reply. Runs on the storage executor, so it may block on disk; it must
 * not throw (failures become error replies).
 */
public interface Dispatcher {
  ApiReply dispatch(ApiRequest request);
}
