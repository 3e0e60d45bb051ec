package dev.flarekv.server.api;

import dev.flarekv.protocol.envelope.ResultInfo;
import dev.flarekv.protocol.validation.KvValidator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The few non-KV endpoints that clients call around KV: token verification, the user, the
 * memberships wrangler uses to discover its account when {@code CLOUDFLARE_ACCOUNT_ID} is unset.
 */
public final class AccountEndpoint {
  private final String accountId;

  public AccountEndpoint(String accountId) {
    this.accountId = accountId;
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
    int page = KvValidator.page(request.param("page"));
    int perPage = KvValidator.perPage(request.param("per_page"));
    List<Object> items = page == 1 ? List.of(membership()) : List.of();
    return ApiReply.ok(items, ResultInfo.forPage(page, perPage, items.size(), 1));
  }

  ApiReply accounts(ApiRequest request) {
    int page = KvValidator.page(request.param("page"));
    int perPage = KvValidator.perPage(request.param("per_page"));
    List<Object> items = page == 1 ? List.of(account()) : List.of();
    return ApiReply.ok(items, ResultInfo.forPage(page, perPage, items.size(), 1));
  }

  private Map<String, Object> membership() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", "flarekv-membership");
    out.put("status", "accepted");
    out.put("account", account());
    out.put("roles", List.of("Administrator"));
    return out;
  }

  private Map<String, Object> account() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", accountId);
    out.put("name", "flarekv");
    return out;
  }
}
