package dev.flarekv.server.binding;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.server.pipeline.KvOperation;

/**
 * The edge location a binding request reads at: its {@code X-Flarekv-Location} header, which names
 * a Cloudflare location in the eventual-consistency mode (docs/modes.md). A location is a short
 * name, 1 to {@value #MAX_LENGTH} printable ASCII characters; without the header (or with an empty
 * one) it is {@value KvOperation.Origin#DEFAULT_LOCATION}.
 */
final class EdgeLocation {
  /** The longest location name. */
  static final int MAX_LENGTH = 64;

  private EdgeLocation() {}

  /**
   * The location the header names.
   *
   * @throws dev.flarekv.protocol.error.KvException 400 when it is too long or not printable ASCII
   */
  static String of(String header) {
    if (header == null || header.isBlank()) {
      return KvOperation.Origin.DEFAULT_LOCATION;
    }
    String name = header.trim();
    if (name.length() > MAX_LENGTH || !printable(name)) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "Invalid "
              + BindingDispatcher.LOCATION_HEADER
              + " header: a location is 1 to "
              + MAX_LENGTH
              + " printable ASCII characters, such as \"fra\" or \"iad\"");
    }
    return name;
  }

  /** As {@link #of}, but the default location for a header that names none properly. */
  static String orDefault(String header) {
    try {
      return of(header);
    } catch (RuntimeException e) {
      return KvOperation.Origin.DEFAULT_LOCATION;
    }
  }

  private static boolean printable(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }
}
