package dev.flarekv.server.auth;

import java.util.List;

/**
 * Who a request acts as: a token that may reach every account ({@code --api-token}, or no token on
 * an open server) or one limited to some accounts ({@code --tokens-file}).
 *
 * @param accounts the accounts a scoped token may reach; empty for an all-accounts principal
 * @param tokenId which configured token this is, as a label that says nothing about the secret
 *     ({@code token-1} is the first token of the configuration, {@link #ANONYMOUS} on an open
 *     server): the REST request rate limit counts per token (docs/modes.md)
 */
public record Principal(List<String> accounts, String tokenId) {
  /** The token id of every request to a server without tokens. */
  public static final String ANONYMOUS = "anonymous";

  /** May act on every account: an open server's one caller. */
  public static final Principal ALL_ACCOUNTS = new Principal(List.of());

  public Principal {
    accounts = List.copyOf(accounts);
    java.util.Objects.requireNonNull(tokenId, "tokenId");
  }

  /** A principal of an open server (token id {@link #ANONYMOUS}). */
  public Principal(List<String> accounts) {
    this(accounts, ANONYMOUS);
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
