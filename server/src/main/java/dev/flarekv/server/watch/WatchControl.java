package dev.flarekv.server.watch;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.control.Control;
import dev.flarekv.server.control.ControlRequest;
import dev.flarekv.server.control.ControlRoute;
import dev.flarekv.storage.KvStore;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;

/**
 * The change feed's control (docs/state.md, "Change feed"): {@code GET
 * /flarekv/v1/namespaces/{id}/watch[?prefix=]} answers a Server-Sent Events stream of the
 * namespace's puts, deletes and expiries, until the client disconnects. A scoped token may watch
 * the namespaces of its accounts. CLI: {@code flarekv kv watch}.
 */
public record WatchControl(ChangeFeed feed, KvStore store) implements Control {

  @Override
  public List<ControlRoute> routes() {
    return List.of(new ControlRoute(HttpMethod.GET, "namespaces/{id}/watch", this::watch));
  }

  private Object watch(ControlRequest request) {
    String id = request.pathParams().get(0);
    Namespace ns =
        store
            .namespaceById(id)
            .filter(n -> request.principal().mayAccess(n.accountId()))
            .orElseThrow(
                () ->
                    ErrorCode.NAMESPACE_NOT_FOUND.exception(
                        "No namespace with id \""
                            + id
                            + "\"; flarekv kv namespace list shows them"));
    String prefix = request.http().param("prefix");
    return ApiReply.stream(feed.watcher(ns.id(), prefix));
  }
}
