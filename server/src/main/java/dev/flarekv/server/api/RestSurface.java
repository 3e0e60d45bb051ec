package dev.flarekv.server.api;

import dev.flarekv.server.http.KvErrorMapper;
import dev.flarekv.server.pipeline.KvOperation;
import dev.flarekv.server.pipeline.KvResult;
import dev.flarekv.server.pipeline.KvSurface;

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
        return ApiReply.ok(java.util.Map.of());
      case LIST:
        return KeysEndpoint.render(result.page());
      case BULK_GET:
        return BulkEndpoint.values(result.values());
      case BULK_PUT:
      case BULK_DELETE:
        return BulkEndpoint.done(result.count());
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
