package dev.flarekv.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.envelope.ResultInfo;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.protocol.validation.KvValidator;
import dev.flarekv.server.pipeline.KvOperation;
import dev.flarekv.server.pipeline.KvOperation.NamespaceQuery;
import dev.flarekv.server.pipeline.KvOperation.Origin;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A1-A5 on the REST API: namespace list, create, get, rename, delete. Parses each request into its
 * {@link KvOperation} and renders the result.
 */
final class NamespacesEndpoint {
  private NamespacesEndpoint() {}

  /** A1: {@code GET ?page&per_page&order&direction}; a page past the end is empty. */
  static KvOperation list(Origin origin, String accountId, ApiRequest request) {
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
    return KvOperation.namespaceList(
        origin, new NamespaceQuery(accountId, page, perPage, comparator));
  }

  /** A1's reply: the query's page of the account's namespaces, already in order. */
  static ApiReply page(NamespaceQuery query, List<Namespace> all) {
    long from = (long) (query.page() - 1) * query.perPage();
    List<Object> items = new ArrayList<>();
    for (long i = from; i < Math.min(all.size(), from + query.perPage()); i++) {
      items.add(Bodies.namespace(all.get((int) i)));
    }
    return ApiReply.ok(
        items, ResultInfo.forPage(query.page(), query.perPage(), items.size(), all.size()));
  }

  /** A2: {@code POST {"title"}}. */
  static KvOperation create(Origin origin, String accountId, ApiRequest request) {
    return KvOperation.namespaceCreate(origin, accountId, title(request));
  }

  /** A4: {@code PUT {"title"}}. */
  static KvOperation rename(Origin origin, NamespaceRef ns, ApiRequest request) {
    return KvOperation.namespaceRename(origin, ns, title(request));
  }

  /** A2-A4's reply: the namespace (A3: 404 when there is none). */
  static ApiReply namespace(Optional<Namespace> found) {
    Namespace ns =
        found.orElseThrow(
            () -> ErrorCode.NAMESPACE_NOT_FOUND.exception("get namespace: 'namespace not found'"));
    return ApiReply.ok(Bodies.namespace(ns));
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
}
