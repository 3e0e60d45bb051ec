package dev.flarekv.protocol.model;

import java.util.Objects;

/**
 * One item of a key listing.
 *
 * @param name the key
 * @param expiration absolute expiration in seconds since the epoch, or {@link
 *     KvEntry#NO_EXPIRATION}
 * @param metadata compact JSON text, or {@code null}
 */
public record KeyInfo(String name, long expiration, String metadata) {
  public KeyInfo {
    Objects.requireNonNull(name, "name");
  }
}
