package dev.flarekv.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Checks {@code Authorization: Bearer <token>} against the configured tokens in constant time.
 *
 * <p>Only SHA-256 digests of the tokens are kept. Comparing fixed-length digests with {@link
 * MessageDigest#isEqual} and always visiting every configured token means the time taken depends on
 * neither the token's length nor how many of its leading characters are right.
 */
public final class TokenAuthenticator {
  private final List<byte[]> digests;

  public TokenAuthenticator(List<String> tokens) {
    this.digests = tokens.stream().map(TokenAuthenticator::sha256).toList();
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
    if (digests.isEmpty()) {
      return true;
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] presented = sha256(authorization.substring(7).trim());
    boolean match = false;
    for (byte[] digest : digests) {
      match |= MessageDigest.isEqual(digest, presented);
    }
    return match;
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }
}
