package dev.flarekv.server.auth;

import java.util.List;

/**
 * Who a request acts as: a token that may reach every account ({@code --api-token}, or no token on
 * an open server) or one limited to some accounts ({@code --tokens-file}).
 *
 * @param accounts the accounts a scoped token may reach; empty for an all-accounts principal
 */
public record Principal(List<String> accounts) {
  /** May act on every account. */
  public static final Principal ALL_ACCOUNTS = new Principal(List.of());

  public Principal {
    accounts = List.copyOf(accounts);
  }

  /** Whether this principal may reach every account. */
  public boolean allAccounts() {
    return accounts.isEmpty();
  }

  /** Whether this principal may read or write in the account. */
  public boolean mayAccess(String accountId) {
    return allAccounts() || accounts.contains(accountId);
  }

  /**
   * The accounts to report from {@code /memberships}: a scoped token's own, else the default
   * account.
   */
  public List<String> visibleAccounts(String defaultAccount) {
    return allAccounts() ? List.of(defaultAccount) : accounts;
  }
}
