package dev.flarekv.server.api;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.protocol.validation.KvValidator;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;

/**
 * Routes Cloudflare API v4 requests ({@code /client/v4/...}) to the endpoints.
 *
 * <p>The path is split on raw {@code /} before anything is decoded, so a key written as {@code
 * a%2Fb} stays one segment; only then is each identifier segment percent-decoded once.
 */
public final class RestApi {
  /** Path prefix of the API. */
  public static final String PREFIX = "/client/v4";

  private final NamespacesEndpoint namespaces;
  private final KeysEndpoint keys;
  private final ValuesEndpoint values;
  private final BulkEndpoint bulk;
  private final AccountEndpoint account;

  public RestApi(
      NamespacesEndpoint namespaces,
      KeysEndpoint keys,
      ValuesEndpoint values,
      BulkEndpoint bulk,
      AccountEndpoint account) {
    this.namespaces = namespaces;
    this.keys = keys;
    this.values = values;
    this.bulk = bulk;
    this.account = account;
  }

  /**
   * A matched route: its template name (for metrics), the account in its path (null for routes
   * outside {@code /accounts/{account_id}/...}), the call to make, and optionally a call that
   * answers from memory on the event loop or returns null (see {@code Dispatcher.dispatchInline}).
   */
  public record Route(String name, String accountId, Call call, Call inline) {
    public Route(String name, Call call) {
      this(name, null, call, null);
    }

    Route withAccount(String id) {
      return new Route(name, id, call, inline);
    }
  }

  /** The endpoint call of a route. */
  @FunctionalInterface
  public interface Call {
    ApiReply handle(ApiRequest request);
  }

  /**
   * Finds the route for a request under {@link #PREFIX}.
   *
   * @throws KvException NO_ROUTE for unknown paths or malformed ids, METHOD_NOT_ALLOWED when the
   *     path exists but not for this method
   */
  public Route route(ApiRequest request) {
    List<String> s = segments(request.rawPath());
    HttpMethod m = request.method();
    // s[0]="client", s[1]="v4"
    int n = s.size();
    if (n < 3 || !s.get(0).equals("client") || !s.get(1).equals("v4")) {
      throw noRoute(request);
    }
    String root = s.get(2);
    switch (root) {
      case "user":
        if (n == 3) {
          return only(m, HttpMethod.GET, "user", account::user);
        }
        if (n == 5 && s.get(3).equals("tokens") && s.get(4).equals("verify")) {
          return only(m, HttpMethod.GET, "user/tokens/verify", account::verifyToken);
        }
        throw noRoute(request);
      case "memberships":
        if (n == 3) {
          return only(m, HttpMethod.GET, "memberships", account::memberships);
        }
        throw noRoute(request);
      case "accounts":
        if (n == 3) {
          return only(m, HttpMethod.GET, "accounts", account::accounts);
        }
        return accountRoute(request, s);
      default:
        throw noRoute(request);
    }
  }

  private Route accountRoute(ApiRequest request, List<String> s) {
    int n = s.size();
    if (n < 7
        || !s.get(4).equals("storage")
        || !s.get(5).equals("kv")
        || !s.get(6).equals("namespaces")) {
      throw noRoute(request);
    }
    String accountId = identifier(request, s.get(3));
    if (!KvValidator.isValidAccountId(accountId)) {
      throw invalidIdentifier(request);
    }
    Route route = namespaceRoute(request, s, accountId);
    return route.withAccount(accountId);
  }

  private Route namespaceRoute(ApiRequest request, List<String> s, String accountId) {
    int n = s.size();
    HttpMethod m = request.method();
    if (n == 7) {
      if (m.equals(HttpMethod.GET)) {
        return new Route("namespaces", r -> namespaces.list(accountId, r));
      }
      if (m.equals(HttpMethod.POST)) {
        return new Route("namespaces", r -> namespaces.create(accountId, r));
      }
      throw methodNotAllowed(m);
    }
    String namespaceId = identifier(request, s.get(7));
    if (!KvValidator.isValidNamespaceId(namespaceId)) {
      throw invalidIdentifier(request);
    }
    NamespaceRef ns = new NamespaceRef(accountId, namespaceId);
    if (n == 8) {
      if (m.equals(HttpMethod.GET)) {
        return new Route("namespace", r -> namespaces.get(ns));
      }
      if (m.equals(HttpMethod.PUT)) {
        return new Route("namespace", r -> namespaces.rename(ns, r));
      }
      if (m.equals(HttpMethod.DELETE)) {
        return new Route("namespace", r -> namespaces.delete(ns));
      }
      throw methodNotAllowed(m);
    }
    String resource = s.get(8);
    if (n == 9 && resource.equals("keys")) {
      return only(m, HttpMethod.GET, "keys", r -> keys.list(ns, r));
    }
    if (n == 9 && resource.equals("bulk")) {
      if (m.equals(HttpMethod.PUT)) {
        return new Route("bulk", r -> bulk.put(ns, r));
      }
      if (m.equals(HttpMethod.DELETE)) {
        return new Route("bulk", r -> bulk.delete(ns, r));
      }
      throw methodNotAllowed(m);
    }
    if (n == 10 && resource.equals("bulk") && s.get(9).equals("delete")) {
      return only(m, HttpMethod.POST, "bulk/delete", r -> bulk.delete(ns, r));
    }
    if (n == 10 && resource.equals("bulk") && s.get(9).equals("get")) {
      return only(m, HttpMethod.POST, "bulk/get", r -> bulk.get(ns, r));
    }
    if (n == 10 && resource.equals("values")) {
      String rawKey = s.get(9);
      if (m.equals(HttpMethod.GET)) {
        return new Route(
            "values", null, r -> values.get(ns, rawKey), r -> values.getIfCached(ns, rawKey));
      }
      if (m.equals(HttpMethod.PUT)) {
        return new Route("values", r -> values.put(ns, rawKey, r));
      }
      if (m.equals(HttpMethod.DELETE)) {
        return new Route("values", r -> values.delete(ns, rawKey));
      }
      throw methodNotAllowed(m);
    }
    if (n == 10 && resource.equals("metadata")) {
      String rawKey = s.get(9);
      return only(m, HttpMethod.GET, "metadata", r -> values.metadata(ns, rawKey));
    }
    throw noRoute(request);
  }

  private static Route only(HttpMethod actual, HttpMethod allowed, String name, Call call) {
    if (!actual.equals(allowed)) {
      throw methodNotAllowed(actual);
    }
    return new Route(name, call);
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

  private static String identifier(ApiRequest request, String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    try {
      return KvValidator.decodeKey(raw);
    } catch (KvException e) {
      throw invalidIdentifier(request);
    }
  }

  private static KvException noRoute(ApiRequest request) {
    return ErrorCode.NO_ROUTE.exception("No route for that URI");
  }

  private static KvException invalidIdentifier(ApiRequest request) {
    return ErrorCode.NO_ROUTE.exception(
        "Could not route to "
            + truncate(request.rawPath())
            + ", perhaps your object identifier is invalid?");
  }

  private static KvException methodNotAllowed(HttpMethod method) {
    return ErrorCode.METHOD_NOT_ALLOWED.exception(
        "Method " + truncate(method.name()) + " not allowed for this route");
  }

  private static String truncate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
