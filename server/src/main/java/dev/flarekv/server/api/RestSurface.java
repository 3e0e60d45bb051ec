package dev.flarekv.server.api;

import dev.flarekv.server.http.KvErrorMapper;
import dev.flarekv.server.pipeline.KvOperation;
import dev.flarekv.server.pipeline.KvResult;
import dev.flarekv.server.pipeline.KvSurface;
import java.util.Map;

/**
 * How the REST API answers: Cloudflare's envelope around results and errors, raw bytes for a value
 * read.
 */
public final class RestSurface implements KvSurface {
  @Override
  public ApiReply render(KvOperation op, KvResult result) {
    switch (op.kind()) {
      case GET:
      case GET_CACHED:
        return ValuesEndpoint.value(result.entry());
      case GET_METADATA:
        return ValuesEndpoint.metadata(result.entry());
      case PUT:
      case DELETE:
        return ApiReply.ok(Map.of());
      case LIST:
        return KeysEndpoint.render(result.page());
      case BULK_GET:
        return BulkEndpoint.values(result.values());
      case BULK_PUT:
      case BULK_DELETE:
        return BulkEndpoint.done(result.count());
      case NAMESPACE_LIST:
        return NamespacesEndpoint.page(op.namespaceQuery(), result.namespaces());
      case NAMESPACE_CREATE:
      case NAMESPACE_GET:
      case NAMESPACE_RENAME:
        return NamespacesEndpoint.namespace(result.namespace());
      case NAMESPACE_DELETE:
        return ApiReply.ok(null);
      case CALL:
        return result.reply();
      default:
        throw new IllegalStateException("nothing to render for " + op);
    }
  }

  @Override
  public ApiReply error(Throwable failure) {
    return KvErrorMapper.reply(failure);
  }
}
