package dev.flarekv.server.api;

import dev.flarekv.protocol.codec.CursorCodec;
import dev.flarekv.protocol.envelope.ResultInfo;
import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.KeyPage;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.protocol.validation.KvValidator;
import dev.flarekv.server.pipeline.KvOperation;
import java.util.ArrayList;
import java.util.List;

/** A6: {@code GET /keys?prefix&limit&cursor}. */
final class KeysEndpoint {
  private KeysEndpoint() {}

  static KvOperation list(KvOperation.Origin origin, NamespaceRef ns, ApiRequest request) {
    String prefix = KvValidator.validatePrefix(request.param("prefix"));
    int limit = KvValidator.restListLimit(request.param("limit"));
    String startAfter = CursorCodec.decode(request.param("cursor"));
    return KvOperation.list(origin, ns, new KvOperation.ListQuery(prefix, startAfter, limit));
  }

  static ApiReply render(KeyPage page) {
    List<KeyItem> items = new ArrayList<>(page.keys().size());
    for (KeyInfo info : page.keys()) {
      items.add(KeyItem.of(info));
    }
    // The last page carries cursor "" so that wrangler and the SDK stop (docs/kv-semantics.md L7).
    String cursor =
        page.listComplete() || page.lastKey() == null ? "" : CursorCodec.encode(page.lastKey());
    return ApiReply.ok(items, ResultInfo.forKeys(items.size(), cursor));
  }
}
