package dev.flarekv.server.api;

import dev.flarekv.protocol.codec.CursorCodec;
import dev.flarekv.protocol.envelope.ResultInfo;
import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.KeyPage;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.protocol.validation.KvValidator;
import dev.flarekv.storage.KvStore;
import java.util.ArrayList;
import java.util.List;

/** A6: {@code GET /keys?prefix&limit&cursor}. */
public final class KeysEndpoint {
  private final KvStore store;

  public KeysEndpoint(KvStore store) {
    this.store = store;
  }

  ApiReply list(NamespaceRef ns, ApiRequest request) {
    String prefix = KvValidator.validatePrefix(request.param("prefix"));
    int limit = KvValidator.restListLimit(request.param("limit"));
    String startAfter = CursorCodec.decode(request.param("cursor"));
    KeyPage page = store.list(ns, prefix, startAfter, limit);
    List<KeyItem> items = new ArrayList<>(page.keys().size());
    for (KeyInfo info : page.keys()) {
      items.add(KeyItem.of(info));
    }
    // The last page carries cursor "" so that wrangler and the SDK stop (kv-semantics L7).
    String cursor =
        page.listComplete() || page.lastKey() == null ? "" : CursorCodec.encode(page.lastKey());
    return ApiReply.ok(items, ResultInfo.forKeys(items.size(), cursor));
  }
}
