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
 * MessageDigest#isEqual} and always visiting every configured token (all-accounts and scoped alike,
 * selecting the match without branching out of the loop) means the time taken depends on neither
 * the token's length, how many of its leading characters are right, nor which entry matched.
 */
public final class TokenAuthenticator {
  private final List<byte[]> digests;
  private final List<Principal> principals;

  /** All-accounts tokens only (as {@code --api-token}). */
  public TokenAuthenticator(List<String> tokens) {
    this(tokens, List.of());
  }

  /**
   * @param tokens tokens that reach every account ({@code --api-token}, {@code FLAREKV_API_TOKEN})
   * @param scoped tokens limited to some accounts ({@code --tokens-file})
   */
  public TokenAuthenticator(List<String> tokens, List<ScopedToken> scoped) {
    List<byte[]> d = new ArrayList<>();
    List<Principal> p = new ArrayList<>();
    for (String token : tokens) {
      d.add(sha256(token));
      p.add(Principal.ALL_ACCOUNTS);
    }
    for (ScopedToken token : scoped) {
      d.add(sha256(token.token()));
      p.add(new Principal(token.accounts()));
    }
    this.digests = List.copyOf(d);
    this.principals = List.copyOf(p);
  }

  /** Whether no token is configured (the server runs open). */
  public boolean isOpen() {
    return digests.isEmpty();
  }

  /**
   * Whether the {@code Authorization} header value carries a configured token.
   *
   * @param authorization the raw header value, or null
   */
  public boolean authenticate(String authorization) {
    return principal(authorization) != null;
  }

  /**
   * The principal of the {@code Authorization} header value: {@link Principal#ALL_ACCOUNTS} on an
   * open server, the matching token's principal, or null when the header carries no configured
   * token. If a token is configured twice, the entry listed first wins.
   *
   * @param authorization the raw header value, or null
   */
  public Principal principal(String authorization) {
    if (digests.isEmpty()) {
      return Principal.ALL_ACCOUNTS;
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    byte[] presented = sha256(authorization.substring(7).trim());
    int matched = -1;
    for (int i = digests.size() - 1; i >= 0; i--) {
      boolean equal = MessageDigest.isEqual(digests.get(i), presented);
      // no early exit: every digest is compared whatever matched
      matched = equal ? i : matched;
    }
    return matched < 0 ? null : principals.get(matched);
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }
}
