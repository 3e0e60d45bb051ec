package dev.flarekv.server.auth;

/**
 * What a configured token must look like, whatever its source: not empty, not only whitespace, and
 * without whitespace or control characters at either end (a request's credential is trimmed before
 * it is compared, so such a token could never be presented). An empty token would be worse than
 * useless: {@code Authorization: Bearer } with nothing after it would match it.
 */
public final class Tokens {
  private Tokens() {}

  /**
   * Why the token cannot be used, or null when it can. Never quotes the token (it is a secret).
   *
   * @param what how the message names the token, e.g. {@code --api-token}
   */
  public static String problem(String token, String what) {
    if (token == null || token.isBlank() || token.trim().isEmpty()) {
      return what
          + " is empty or only whitespace (an unset variable?): give a real token, or leave it"
          + " out";
    }
    if (!token.trim().equals(token) || !token.strip().equals(token)) {
      return what
          + " starts or ends with whitespace or a control character, which a request can never"
          + " present; remove it";
    }
    return null;
  }

  /**
   * The token, once {@link #problem} finds nothing wrong with it.
   *
   * @throws IllegalArgumentException with {@link #problem}'s message otherwise
   */
  public static String require(String token, String what) {
    String problem = problem(token, what);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return token;
  }
}
