package dev.flarekv.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.envelope.ResultInfo;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.protocol.validation.KvValidator;
import dev.flarekv.storage.KvStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** A1-A5: namespace list, create, get, rename, delete. */
public final class NamespacesEndpoint {
  private final KvStore store;

  public NamespacesEndpoint(KvStore store) {
    this.store = store;
  }

  /** A1: {@code GET ?page&per_page&order&direction}; a page past the end is empty. */
  ApiReply list(String accountId, ApiRequest request) {
    int page = KvValidator.page(request.param("page"));
    int perPage = KvValidator.perPage(request.param("per_page"));
    String order = request.param("order");
    String direction = request.param("direction");
    Comparator<Namespace> comparator;
    if (order == null || order.equals("title")) {
      comparator = Comparator.comparing(Namespace::title).thenComparing(Namespace::id);
    } else if (order.equals("id")) {
      comparator = Comparator.comparing(Namespace::id);
    } else {
      throw ErrorCode.INVALID_REQUEST.exception("order: must be one of \"id\", \"title\"");
    }
    if (direction != null && direction.equals("desc")) {
      comparator = comparator.reversed();
    } else if (direction != null && !direction.equals("asc")) {
      throw ErrorCode.INVALID_REQUEST.exception("direction: must be one of \"asc\", \"desc\"");
    }
    List<Namespace> all = new ArrayList<>(store.namespaces(accountId));
    all.sort(comparator);
    long from = (long) (page - 1) * perPage;
    List<Object> items = new ArrayList<>();
    for (long i = from; i < Math.min(all.size(), from + perPage); i++) {
      items.add(Bodies.namespace(all.get((int) i)));
    }
    return ApiReply.ok(items, ResultInfo.forPage(page, perPage, items.size(), all.size()));
  }

  /** A2: {@code POST {"title"}}. */
  ApiReply create(String accountId, ApiRequest request) {
    String title = title(request);
    return ApiReply.ok(Bodies.namespace(store.createNamespace(accountId, title)));
  }

  /** A3. */
  ApiReply get(NamespaceRef ref) {
    Namespace ns =
        store
            .namespace(ref)
            .orElseThrow(
                () ->
                    ErrorCode.NAMESPACE_NOT_FOUND.exception(
                        "get namespace: 'namespace not found'"));
    return ApiReply.ok(Bodies.namespace(ns));
  }

  /** A4: {@code PUT {"title"}}. */
  ApiReply rename(NamespaceRef ref, ApiRequest request) {
    String title = title(request);
    return ApiReply.ok(Bodies.namespace(store.renameNamespace(ref, title)));
  }

  /** A5. */
  ApiReply delete(NamespaceRef ref) {
    store.deleteNamespace(ref);
    return ApiReply.ok(null);
  }

  private static String title(ApiRequest request) {
    JsonNode body = Bodies.json(request);
    if (!body.isObject()) {
      throw ErrorCode.INVALID_REQUEST.exception("Request body must be a JSON object with a title");
    }
    JsonNode title = body.get("title");
    if (title != null && !title.isNull() && !title.isTextual()) {
      throw ErrorCode.INVALID_REQUEST.exception("title: must be a string");
    }
    return KvValidator.namespaceTitle(title == null || title.isNull() ? null : title.asText());
  }

  static Map<String, Object> view(Namespace ns) {
    return Bodies.namespace(ns);
  }
}
