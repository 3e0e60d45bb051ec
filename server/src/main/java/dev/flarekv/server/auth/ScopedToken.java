package dev.flarekv.server.auth;

import java.util.List;
import java.util.Objects;

/**
 * A bearer token limited to some accounts (a line of {@code --tokens-file}).
 *
 * @param token the secret; never printed ({@link #toString()} hides it)
 * @param accounts the account ids the token may act on, at least one, in file order
 */
public record ScopedToken(String token, List<String> accounts) {
  public ScopedToken {
    Objects.requireNonNull(token, "token");
    accounts = List.copyOf(accounts);
    Tokens.require(token, "a scoped token");
    if (accounts.isEmpty()) {
      throw new IllegalArgumentException("a scoped token needs at least one account");
    }
  }

  @Override
  public String toString() {
    return "ScopedToken[token=<hidden>, accounts=" + accounts + "]";
  }
}
