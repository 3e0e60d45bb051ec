package dev.flarekv.storage.cassandra;

import dev.flarekv.protocol.model.KvEntry;

/**
 * The CQL TTLs the engine writes. An entry's TTL counts from the store's clock (the time the KV
 * contract is decided in), while the limits CQL puts on expirations are in Cassandra's own time,
 * the wall clock the store is given beside it (docs/cassandra.md, "Expiration").
 */
final class CqlTtl {
  /** CQL's largest TTL (20 years). */
  static final long MAX = 630_720_000L;

  /**
   * Cassandra 5.0 in its default storage compatibility mode rejects expirations past 2038-01-19;
   * beyond this instant the engine writes no CQL TTL and relies on the read check and the sweeper.
   */
  static final long LAST_CQL_EXPIRATION = Integer.MAX_VALUE - 2L * 86_400;

  /**
   * Index entries (and chunks) outlive their record by a day so the sweeper can still find them.
   */
  static final long INDEX_MARGIN = 86_400;

  private CqlTtl() {}

  /**
   * The CQL TTL for an expiration, relative to the store's clock ({@code nowSeconds}); 0 (none) for
   * entries without expiration, already expired (the sweeper removes them), or beyond what CQL can
   * hold at Cassandra's time {@code wallNowSeconds}.
   */
  static long of(long expiration, long nowSeconds, long wallNowSeconds) {
    if (expiration == KvEntry.NO_EXPIRATION) {
      return 0;
    }
    long ttl = expiration - nowSeconds;
    if (ttl <= 0 || ttl > MAX || wallNowSeconds + ttl + INDEX_MARGIN > LAST_CQL_EXPIRATION) {
      return 0;
    }
    return ttl;
  }

  /** A TTL for a lease or marker of {@code seconds}, capped at what CQL accepts. */
  static int capped(long seconds) {
    return (int) Math.min(seconds, MAX);
  }
}
