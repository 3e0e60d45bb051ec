package dev.flarekv.server.api;

import dev.flarekv.protocol.validation.KvValidator;

/** A key as it arrives in a URL path segment, on either surface. */
public final class PathKey {
  private PathKey() {}

  /**
   * The key in a raw (percent-encoded) path segment: decoded once, then checked like any key.
   *
   * @throws dev.flarekv.protocol.error.KvException a bad escape, an empty, too long or otherwise
   *     invalid key
   */
  public static String of(String rawSegment) {
    return KvValidator.validateKey(KvValidator.decodeKey(rawSegment));
  }
}
