package dev.flarekv.protocol.validation;

/**
 * The numeric limits of Cloudflare Workers KV that flarekv enforces (docs/kv-semantics.md §1-§9).
 * Every number lives here once; the unit is part of each name.
 */
public final class KvLimits {
  /** K1: maximum key (and list prefix) length in UTF-8 bytes. */
  public static final int MAX_KEY_SIZE_BYTES = 512;

  /** V1: maximum value length in bytes (25 MiB). */
  public static final int MAX_VALUE_SIZE_BYTES = 26_214_400;

  /** M2: maximum length of the compact metadata JSON in UTF-8 bytes. */
  public static final int MAX_METADATA_SIZE_BYTES = 1024;

  /** E2: minimum {@code expiration_ttl}, and minimum distance of {@code expiration} from now. */
  public static final int MIN_EXPIRATION_TTL_SECONDS = 60;

  /** R2: minimum {@code cache_ttl}. */
  public static final int MIN_CACHE_TTL_SECONDS = 30;

  /** L3/L4: default and maximum number of keys in one list page. */
  public static final int MAX_LIST_KEYS = 1000;

  /** L4: minimum REST {@code limit} for listing keys. */
  public static final int MIN_REST_LIST_KEYS = 10;

  /** B1: maximum number of keys in one bulk get. */
  public static final int MAX_BULK_GET_KEYS = 100;

  /** B1: maximum total size of the values returned by one bulk get (25 MiB). */
  public static final int MAX_BULK_GET_SIZE_BYTES = 26_214_400;

  /** B2/B3: maximum number of items in one bulk write or bulk delete. */
  public static final int MAX_BULK_WRITE_ITEMS = 10_000;

  /** B2: maximum request body size of one bulk write (100 MB). */
  public static final long MAX_BULK_WRITE_BODY_BYTES = 100_000_000L;

  /** N4: maximum number of namespaces per account. */
  public static final int MAX_NAMESPACES = 1000;

  /** N2: maximum namespace title length in characters (Unicode code points). */
  public static final int MAX_TITLE_LENGTH = 512;

  /** N5: maximum {@code per_page} when listing namespaces. */
  public static final int MAX_NAMESPACES_PER_PAGE = 1000;

  /** N5: default {@code per_page} when listing namespaces. */
  public static final int DEFAULT_NAMESPACES_PER_PAGE = 20;

  /**
   * E2 (flarekv's own bound): expirations must be earlier than this instant, 10000-01-01T00:00:00Z
   * in seconds since the epoch, so every accepted expiration is a valid calendar date and {@code
   * expiration * 1000} cannot overflow.
   */
  public static final long MAX_EXPIRATION_EXCLUSIVE_SECONDS = 253_402_300_800L;

  private KvLimits() {}
}
