package dev.flarekv.protocol.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * One stored pair.
 *
 * @param key the key as a Java string (UTF-8 on the wire and on disk)
 * @param value the value bytes, opaque; never null, may be empty. Not copied: callers hand over
 *     ownership and must not change the array afterwards.
 * @param metadata the metadata as compact JSON text, or {@code null} for none
 * @param expiration absolute expiration in seconds since the UNIX epoch, or {@link #NO_EXPIRATION}
 */
public record KvEntry(String key, byte[] value, String metadata, long expiration) {

  /** Marker for "never expires". */
  public static final long NO_EXPIRATION = 0L;

  public KvEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (expiration < 0) {
      throw new IllegalArgumentException("expiration must be >= 0: " + expiration);
    }
  }

  /** Whether this entry has an expiration. */
  public boolean expires() {
    return expiration != NO_EXPIRATION;
  }

  /**
   * The one definition of expiry used everywhere: an entry is expired from the instant {@code now
   * >= expiration}.
   *
   * @param nowMillis the current time in milliseconds since the epoch
   */
  public boolean isExpiredAt(long nowMillis) {
    return isExpiredAt(expiration, nowMillis);
  }

  /** The expiry predicate on a raw expiration in seconds ({@code 0} = never). */
  public static boolean isExpiredAt(long expirationSeconds, long nowMillis) {
    return expirationSeconds != NO_EXPIRATION
        && nowMillis >= Math.multiplyExact(expirationSeconds, 1000L);
  }

  /** The list view of this entry. */
  public KeyInfo keyInfo() {
    return new KeyInfo(key, expiration, metadata);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KvEntry other
        && key.equals(other.key)
        && Arrays.equals(value, other.value)
        && Objects.equals(metadata, other.metadata)
        && expiration == other.expiration;
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, Arrays.hashCode(value), metadata, expiration);
  }

  @Override
  public String toString() {
    return "KvEntry[key="
        + key
        + ", value="
        + value.length
        + " bytes, metadata="
        + metadata
        + ", expiration="
        + expiration
        + "]";
  }
}
