package dev.flarekv.server.api;

import dev.flarekv.protocol.envelope.ResultInfo;
import dev.flarekv.protocol.validation.KvValidator;
import dev.flarekv.server.auth.Principal;
import dev.flarekv.server.auth.TokenAuthenticator;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The few non-KV endpoints that clients call around KV: token verification, the user, the
 * memberships wrangler uses to discover its account when {@code CLOUDFLARE_ACCOUNT_ID} is unset.
 */
public final class AccountEndpoint {
  private final String accountId;
  private final TokenAuthenticator auth;

  /** Reports {@code accountId} to every caller. */
  public AccountEndpoint(String accountId) {
    this(accountId, new TokenAuthenticator(List.of()));
  }

  /**
   * Reports the accounts of the presented token: a scoped token's own, else {@code accountId}.
   *
   * @param auth the authenticator that already admitted the request
   */
  public AccountEndpoint(String accountId, TokenAuthenticator auth) {
    this.accountId = accountId;
    this.auth = auth;
  }

  private List<String> visibleAccounts(ApiRequest request) {
    Principal principal = auth.principal(request.header(HttpHeaderNames.AUTHORIZATION.toString()));
    return principal == null ? List.of() : principal.visibleAccounts(accountId);
  }

  ApiReply verifyToken(ApiRequest request) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", "flarekv-token");
    out.put("status", "active");
    return ApiReply.ok(out);
  }

  ApiReply user(ApiRequest request) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", "flarekv-user");
    out.put("email", "flarekv@localhost");
    return ApiReply.ok(out);
  }

  ApiReply memberships(ApiRequest request) {
    return page(request, id -> membership(id));
  }

  ApiReply accounts(ApiRequest request) {
    return page(request, id -> account(id));
  }

  private ApiReply page(ApiRequest request, Function<String, Object> item) {
    int page = KvValidator.page(request.param("page"));
    int perPage = KvValidator.perPage(request.param("per_page"));
    List<String> all = visibleAccounts(request);
    long from = (long) (page - 1) * perPage;
    List<Object> items =
        from >= all.size()
            ? List.of()
            : all.subList((int) from, (int) Math.min(all.size(), from + perPage)).stream()
                .map(item)
                .toList();
    return ApiReply.ok(items, ResultInfo.forPage(page, perPage, items.size(), all.size()));
  }

  private Map<String, Object> membership(String id) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id.equals(accountId) ? "flarekv-membership" : "flarekv-membership-" + id);
    out.put("status", "accepted");
    out.put("account", account(id));
    out.put("roles", List.of("Administrator"));
    return out;
  }

  private Map<String, Object> account(String id) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id);
    out.put("name", id.equals(accountId) ? "flarekv" : "flarekv " + id);
    return out;
  }
}
