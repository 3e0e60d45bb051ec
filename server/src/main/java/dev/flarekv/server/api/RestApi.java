package dev.flarekv.server.api;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.protocol.validation.KvValidator;
import dev.flarekv.server.pipeline.KvOperation;
import dev.flarekv.server.pipeline.KvOperation.Kind;
import dev.flarekv.server.pipeline.KvOperation.Origin;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Routes Cloudflare API v4 requests ({@code /client/v4/...}) to the endpoints.
 *
 * <p>The path is split on raw {@code /} before anything is decoded, so a key written as {@code
 * a%2Fb} stays one segment; only then is each identifier segment percent-decoded once.
 */
public final class RestApi {
  /** Path prefix of the API. */
  public static final String PREFIX = "/client/v4";

  private final ValuesEndpoint values;
  private final BulkEndpoint bulk;
  private final AccountEndpoint account;

  public RestApi(ValuesEndpoint values, BulkEndpoint bulk, AccountEndpoint account) {
    this.values = values;
    this.bulk = bulk;
    this.account = account;
  }

  /**
   * The route of a request, decided once from its head (method and raw path): its template name
   * (for metrics), the account in its path (null for routes outside {@code
   * /accounts/{account_id}/...}), its body limit, and either the call to make (plus, optionally, a
   * call that answers from memory on the event loop or returns null, see {@code
   * Dispatcher.dispatchInline}) or why the request has no route. The body limit is the template's
   * even when the route fails on a malformed id or method, so that failure, not a 413, is what the
   * client hears.
   */
  public record Route(
      String name, String accountId, BodyLimit limit, Call call, Call inline, KvException failure)
      implements HeadRoute {
    /** The route's call, or its failure thrown. */
    public Call callOrThrow() {
      if (failure != null) {
        throw failure;
      }
      return call;
    }

    /** The template name for metrics: {@code unmatched} when the request has no route. */
    public String metricName() {
      return failure == null ? name : "unmatched";
    }
  }

  /**
   * What a route makes of its request: the operation, with every argument checked.
   *
   * @throws KvException a bad argument
   */
  @FunctionalInterface
  public interface Call {
    KvOperation parse(ApiRequest request, Origin origin);
  }

  /** A route whose work does not reach the store, run as given (an account request). */
  private static Call call(Function<ApiRequest, ApiReply> endpoint) {
    return (r, o) -> KvOperation.call(o, () -> endpoint.apply(r));
  }

  /**
   * Finds the route for a request under {@link #PREFIX}: never throws; a request without one gets a
   * route with NO_ROUTE (unknown paths, malformed ids) or METHOD_NOT_ALLOWED (the path exists but
   * not for this method) as its failure.
   *
   * @param multipart whether the body is a multipart form (a value write's limit allows for it)
   */
  public Route match(HttpMethod m, String rawPath, boolean multipart) {
    List<String> s = segments(rawPath);
    Template t = Template.of(s);
    BodyLimit limit = t.limit(m, multipart);
    try {
      return route(m, rawPath, s, t, limit);
    } catch (KvException e) {
      return new Route(t.name, null, limit, null, null, e);
    }
  }

  /** The route templates, told apart by the path's shape alone (no id checked). */
  enum Template {
    USER("user"),
    VERIFY("user/tokens/verify"),
    MEMBERSHIPS("memberships"),
    ACCOUNTS("accounts"),
    NAMESPACES("namespaces"),
    NAMESPACE("namespace"),
    KEYS("keys"),
    BULK("bulk"),
    BULK_DELETE("bulk/delete"),
    BULK_GET("bulk/get"),
    VALUES("values"),
    METADATA("metadata"),
    NONE("unmatched");

    final String name;

    Template(String name) {
      this.name = name;
    }

    static Template of(List<String> s) {
      int n = s.size();
      if (n < 3 || !s.get(0).equals("client") || !s.get(1).equals("v4")) {
        return NONE;
      }
      switch (s.get(2)) {
        case "user":
          return n == 3
              ? USER
              : n == 5 && s.get(3).equals("tokens") && s.get(4).equals("verify") ? VERIFY : NONE;
        case "memberships":
          return n == 3 ? MEMBERSHIPS : NONE;
        case "accounts":
          break;
        default:
          return NONE;
      }
      if (n == 3) {
        return ACCOUNTS;
      }
      if (n < 7
          || !s.get(4).equals("storage")
          || !s.get(5).equals("kv")
          || !s.get(6).equals("namespaces")) {
        return NONE;
      }
      if (n == 7 || n == 8) {
        return n == 7 ? NAMESPACES : NAMESPACE;
      }
      String resource = s.get(8);
      if (n == 9) {
        return resource.equals("keys") ? KEYS : resource.equals("bulk") ? BULK : NONE;
      }
      if (n == 10 && resource.equals("bulk")) {
        String sub = s.get(9);
        return sub.equals("delete") ? BULK_DELETE : sub.equals("get") ? BULK_GET : NONE;
      }
      if (n == 10) {
        return resource.equals("values") ? VALUES : resource.equals("metadata") ? METADATA : NONE;
      }
      return NONE;
    }

    /**
     * The body limit: a value write up to the value limit (plus multipart framing), a bulk write up
     * to 100 MB, a bulk delete or get of 10,000 escaped keys, and little for everything else. Reads
     * carry no body.
     */
    BodyLimit limit(HttpMethod m, boolean multipart) {
      if (m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD)) {
        return BodyLimit.NONE;
      }
      switch (this) {
        case VALUES:
          return multipart ? BodyLimit.MULTIPART_VALUE : BodyLimit.RAW_VALUE;
        case BULK:
          return m.equals(HttpMethod.PUT) ? BodyLimit.BULK_WRITE : BodyLimit.BULK_KEYS;
        case BULK_DELETE:
        case BULK_GET:
          return BodyLimit.BULK_KEYS;
        default:
          return BodyLimit.SMALL;
      }
    }
  }

  private Route route(HttpMethod m, String rawPath, List<String> s, Template t, BodyLimit limit) {
    switch (t) {
      case USER:
        return only(m, HttpMethod.GET, t, limit, call(account::user));
      case VERIFY:
        return only(m, HttpMethod.GET, t, limit, call(account::verifyToken));
      case MEMBERSHIPS:
        return only(m, HttpMethod.GET, t, limit, call(account::memberships));
      case ACCOUNTS:
        return only(m, HttpMethod.GET, t, limit, call(account::accounts));
      default:
        break;
    }
    int n = s.size();
    if (n < 7
        || !s.get(0).equals("client")
        || !s.get(1).equals("v4")
        || !s.get(2).equals("accounts")
        || !s.get(4).equals("storage")
        || !s.get(5).equals("kv")
        || !s.get(6).equals("namespaces")) {
      throw noRoute();
    }
    String accountId = identifier(rawPath, s.get(3));
    if (!KvValidator.isValidAccountId(accountId)) {
      throw invalidIdentifier(rawPath);
    }
    return namespaceRoute(m, rawPath, s, t, limit, accountId);
  }

  private Route namespaceRoute(
      HttpMethod m, String rawPath, List<String> s, Template t, BodyLimit limit, String accountId) {
    if (t == Template.NAMESPACES) {
      if (m.equals(HttpMethod.GET)) {
        return route(t, accountId, limit, (r, o) -> NamespacesEndpoint.list(o, accountId, r));
      }
      if (m.equals(HttpMethod.POST)) {
        return route(t, accountId, limit, (r, o) -> NamespacesEndpoint.create(o, accountId, r));
      }
      throw methodNotAllowed(m);
    }
    String namespaceId = identifier(rawPath, s.get(7));
    if (!KvValidator.isValidNamespaceId(namespaceId)) {
      throw invalidIdentifier(rawPath);
    }
    NamespaceRef ns = new NamespaceRef(accountId, namespaceId);
    switch (t) {
      case NAMESPACE:
        if (m.equals(HttpMethod.GET)) {
          return route(
              t, accountId, limit, (r, o) -> KvOperation.ofNamespace(Kind.NAMESPACE_GET, o, ns));
        }
        if (m.equals(HttpMethod.PUT)) {
          return route(t, accountId, limit, (r, o) -> NamespacesEndpoint.rename(o, ns, r));
        }
        if (m.equals(HttpMethod.DELETE)) {
          return route(
              t, accountId, limit, (r, o) -> KvOperation.ofNamespace(Kind.NAMESPACE_DELETE, o, ns));
        }
        throw methodNotAllowed(m);
      case KEYS:
        requireMethod(m, HttpMethod.GET);
        return route(t, accountId, limit, (r, o) -> KeysEndpoint.list(o, ns, r));
      case BULK:
        if (m.equals(HttpMethod.PUT)) {
          return route(t, accountId, limit, (r, o) -> bulk.put(o, ns, r));
        }
        if (m.equals(HttpMethod.DELETE)) {
          return route(t, accountId, limit, (r, o) -> BulkEndpoint.delete(o, ns, r));
        }
        throw methodNotAllowed(m);
      case BULK_DELETE:
        requireMethod(m, HttpMethod.POST);
        return route(t, accountId, limit, (r, o) -> BulkEndpoint.delete(o, ns, r));
      case BULK_GET:
        requireMethod(m, HttpMethod.POST);
        return route(t, accountId, limit, (r, o) -> BulkEndpoint.get(o, ns, r));
      case VALUES:
        String rawKey = s.get(9);
        if (m.equals(HttpMethod.GET)) {
          return new Route(
              t.name,
              accountId,
              limit,
              (r, o) -> ValuesEndpoint.ofKey(Kind.GET, o, ns, rawKey),
              (r, o) -> ValuesEndpoint.ofKey(Kind.GET_CACHED, o, ns, rawKey),
              null);
        }
        if (m.equals(HttpMethod.PUT)) {
          return route(t, accountId, limit, (r, o) -> values.put(o, ns, rawKey, r));
        }
        if (m.equals(HttpMethod.DELETE)) {
          return route(
              t, accountId, limit, (r, o) -> ValuesEndpoint.ofKey(Kind.DELETE, o, ns, rawKey));
        }
        throw methodNotAllowed(m);
      case METADATA:
        requireMethod(m, HttpMethod.GET);
        return route(
            t,
            accountId,
            limit,
            (r, o) -> ValuesEndpoint.ofKey(Kind.GET_METADATA, o, ns, s.get(9)));
      default:
        throw noRoute();
    }
  }

  private static Route route(Template t, String accountId, BodyLimit limit, Call call) {
    return new Route(t.name, accountId, limit, call, null, null);
  }

  private static Route only(
      HttpMethod actual, HttpMethod allowed, Template t, BodyLimit limit, Call call) {
    requireMethod(actual, allowed);
    return route(t, null, limit, call);
  }

  private static void requireMethod(HttpMethod actual, HttpMethod allowed) {
    if (!actual.equals(allowed)) {
      throw methodNotAllowed(actual);
    }
  }

  /** Raw path segments after the leading slash; one trailing slash is ignored. */
  public static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>(12);
    int start = rawPath.startsWith("/") ? 1 : 0;
    int end =
        rawPath.endsWith("/") && rawPath.length() > 1 ? rawPath.length() - 1 : rawPath.length();
    while (start <= end) {
      int slash = rawPath.indexOf('/', start);
      if (slash < 0 || slash > end) {
        slash = end;
      }
      out.add(rawPath.substring(start, slash));
      start = slash + 1;
      if (out.size() > 32) {
        break;
      }
    }
    return out;
  }

  private static String identifier(String rawPath, String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    try {
      return KvValidator.decodeKey(raw);
    } catch (KvException e) {
      throw invalidIdentifier(rawPath);
    }
  }

  private static KvException noRoute() {
    return ErrorCode.NO_ROUTE.exception("No route for that URI");
  }

  private static KvException invalidIdentifier(String rawPath) {
    return ErrorCode.NO_ROUTE.exception(
        "Could not route to " + truncate(rawPath) + ", perhaps your object identifier is invalid?");
  }

  private static KvException methodNotAllowed(HttpMethod method) {
    return ErrorCode.METHOD_NOT_ALLOWED.exception(
        "Method " + truncate(method.name()) + " not allowed for this route");
  }

  private static String truncate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
