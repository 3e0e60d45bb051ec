package dev.flarekv.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks {@code Authorization: Bearer <token>} against the configured tokens in constant time and
 * tells which accounts the token may reach.
 *
 * <p>Only SHA-256 digests of the tokens are kept. Comparing fixed-length digests with {@link
 * MessageDigest#isEqual} and always visiting every configured token (all-accounts, scoped and
 * metrics-only alike, selecting the match without branching out of the loop) means the time taken
 * depends on neither the token's length, how many of its leading characters are right, nor which
 * entry matched. The one early answer is for a request that presents no credential at all (no
 * header, no {@code Bearer } prefix, or nothing but whitespace after it): that depends only on what
 * the request sent, never on the configured tokens, and such a request is always refused.
 */
public final class TokenAuthenticator {
  private final List<byte[]> digests;

  /** The principal of each digest; null for a token that may only read {@code /metrics}. */
  private final Principal[] principals;

  private final boolean apiOpen;

  /** All-accounts tokens only (as {@code --api-token}). */
  public TokenAuthenticator(List<String> tokens) {
    this(tokens, List.of());
  }

  /**
   * @param tokens tokens that reach every account ({@code --api-token}, {@code FLAREKV_API_TOKEN})
   * @param scoped tokens limited to some accounts ({@code --tokens-file})
   */
  public TokenAuthenticator(List<String> tokens, List<ScopedToken> scoped) {
    this(tokens, scoped, List.of());
  }

  /**
   * @param tokens tokens that reach every account ({@code --api-token}, {@code FLAREKV_API_TOKEN})
   * @param scoped tokens limited to some accounts ({@code --tokens-file})
   * @param metrics tokens that may only read {@code /metrics} ({@code --metrics-token})
   * @throws IllegalArgumentException if a token is empty, blank or has surrounding whitespace
   */
  public TokenAuthenticator(List<String> tokens, List<ScopedToken> scoped, List<String> metrics) {
    List<byte[]> d = new ArrayList<>();
    List<Principal> p = new ArrayList<>();
    for (String token : tokens) {
      d.add(sha256(Tokens.require(token, "an API token")));
      p.add(new Principal(List.of(), "token-" + (p.size() + 1)));
    }
    for (ScopedToken token : scoped) {
      d.add(sha256(token.token()));
      p.add(new Principal(token.accounts(), "token-" + (p.size() + 1)));
    }
    this.apiOpen = d.isEmpty();
    for (String token : metrics) {
      d.add(sha256(Tokens.require(token, "a metrics token")));
      p.add(null);
    }
    this.digests = List.copyOf(d);
    this.principals = p.toArray(Principal[]::new);
  }

  /** Whether no API token is configured (the REST API and the binding listener run open). */
  public boolean isOpen() {
    return apiOpen;
  }

  /**
   * Whether the {@code Authorization} header value carries a configured API token.
   *
   * @param authorization the raw header value, or null
   */
  public boolean authenticate(String authorization) {
    return principal(authorization) != null;
  }

  /**
   * The principal of the {@code Authorization} header value: {@link Principal#ALL_ACCOUNTS} on an
   * open server, the matching API token's principal, or null when the header carries no configured
   * API token (a metrics token is not one). If a token is configured twice, the entry listed first
   * wins.
   *
   * @param authorization the raw header value, or null
   */
  public Principal principal(String authorization) {
    if (apiOpen) {
      return Principal.ALL_ACCOUNTS;
    }
    int matched = match(authorization);
    return matched < 0 ? null : principals[matched];
  }

  /**
   * Whether the request may read {@code /metrics}: any configured token does (API, scoped or
   * metrics-only), and with no token configured at all {@code /metrics} is open.
   *
   * @param authorization the raw header value, or null
   */
  public boolean mayReadMetrics(String authorization) {
    return digests.isEmpty() || match(authorization) >= 0;
  }

  /** The index of the first digest the presented token matches, or -1. */
  private int match(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return -1;
    }
    String credential = authorization.substring(7).trim();
    if (credential.isEmpty()) {
      // nothing presented (e.g. "Bearer" followed by a folded, blank line): never a match
      return -1;
    }
    byte[] presented = sha256(credential);
    int matched = -1;
    for (int i = digests.size() - 1; i >= 0; i--) {
      boolean equal = MessageDigest.isEqual(digests.get(i), presented);
      // no early exit: every digest is compared whatever matched
      matched = equal ? i : matched;
    }
    return matched;
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }
}
