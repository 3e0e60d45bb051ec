package dev.flarekv.server.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.validation.KvValidator;
import dev.flarekv.server.control.Control;
import dev.flarekv.server.control.ControlRequest;
import dev.flarekv.server.control.ControlRoute;
import dev.flarekv.storage.KvStore;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Iterator;
import java.util.List;

/**
 * {@code POST /flarekv/v1/namespaces/{id}/fork {"title":"NEW"}}: a new namespace titled {@code NEW}
 * in the source's account, holding a copy of every live key of namespace {@code id} with its value,
 * metadata and expiration ({@link KvStore#forkNamespace}). Answers the new namespace as {@code
 * {"id","title"}}. A token scoped to accounts forks only namespaces of its accounts. CLI: {@code
 * flarekv kv namespace fork --namespace-id SRC --title NEW}. See docs/state.md.
 */
public final class ForkControl implements Control {
  private final KvStore store;

  public ForkControl(KvStore store) {
    this.store = store;
  }

  @Override
  public List<ControlRoute> routes() {
    return List.of(new ControlRoute(HttpMethod.POST, "namespaces/{id}/fork", this::fork));
  }

  private Object fork(ControlRequest request) {
    String id = request.pathParams().get(0);
    if (!KvValidator.isValidNamespaceId(id)) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "Cannot fork: the namespace id must be 32 lowercase hex characters, got '"
              + shorten(id)
              + "'");
    }
    String title = title(request.jsonBody());
    Namespace source =
        store
            .namespaceById(id)
            .orElseThrow(
                () ->
                    ErrorCode.NAMESPACE_NOT_FOUND.exception(
                        "Cannot fork: no namespace with id " + id));
    if (!request.principal().mayAccess(source.accountId())) {
      throw ErrorCode.FORBIDDEN.exception(
          "Authentication error: this API token may not access the account of namespace " + id);
    }
    Namespace fork = store.forkNamespace(source.ref(), title);
    ObjectNode out = KvJson.mapper().createObjectNode();
    out.put("id", fork.id());
    out.put("title", fork.title());
    return out;
  }

  /** The body's {@code title}: a string, a valid namespace title; no other field. */
  private static String title(JsonNode body) {
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("title")) {
        throw ErrorCode.INVALID_REQUEST.exception(
            "Cannot fork: unknown field '" + shorten(name) + "'; the body is {\"title\": \"NEW\"}");
      }
    }
    JsonNode title = body.get("title");
    if (title == null || title.isNull()) {
      throw ErrorCode.MISSING_TITLE.exception(
          "Cannot fork: missing title; send {\"title\": \"NEW\"}, the title of the new namespace");
    }
    if (!title.isTextual()) {
      throw ErrorCode.INVALID_REQUEST.exception("Cannot fork: title must be a string");
    }
    return KvValidator.namespaceTitle(title.asText());
  }

  private static String shorten(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
