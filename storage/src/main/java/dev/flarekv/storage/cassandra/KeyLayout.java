package dev.flarekv.storage.cassandra;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/** Where a key lives: its bytes, bucket, expiry shard and hour; and write timestamps. */
final class KeyLayout {
  /** Partitions per hour of the expiry index. */
  static final int EXPIRY_SHARDS = 16;

  static final long SECONDS_PER_HOUR = 3_600;

  /** UTF-8 never contains 0xFF: {@code prefix ++ 0xFF} is above every key with the prefix. */
  private static final byte[] ABOVE_ALL = {(byte) 0xFF};

  private KeyLayout() {}

  static byte[] utf8(String key) {
    return key.getBytes(UTF_8);
  }

  static String string(ByteBuffer bytes) {
    return UTF_8.decode(bytes.duplicate()).toString();
  }

  static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  /** A stable hash of the key bytes (CRC32C: same value on every JVM and front end). */
  static int hash(byte[] key) {
    CRC32C crc = new CRC32C();
    crc.update(key);
    return (int) crc.getValue();
  }

  /** The list bucket (partition) of a key in a namespace with {@code buckets} buckets. */
  static int bucket(byte[] key, int buckets) {
    return Integer.remainderUnsigned(hash(key), buckets);
  }

  /** The expiry index shard of a key (spreads one hour of expirations over 16 partitions). */
  static int shard(String namespaceId, byte[] key) {
    return Integer.remainderUnsigned(hash(key) * 31 + namespaceId.hashCode(), EXPIRY_SHARDS);
  }

  static long hour(long expirationSeconds) {
    return Math.floorDiv(expirationSeconds, SECONDS_PER_HOUR);
  }

  /** The inclusive lower bound of a listing: {@code max(prefix, startAfter ++ 0x00)}. */
  static byte[] lowerBound(byte[] prefix, String startAfter) {
    if (startAfter == null) {
      return prefix;
    }
    byte[] after = utf8(startAfter);
    byte[] next = Arrays.copyOf(after, after.length + 1); // the smallest key above startAfter
    return Arrays.compareUnsigned(next, prefix) > 0 ? next : prefix;
  }

  /** The exclusive upper bound of a listing: {@code prefix ++ 0xFF}. */
  static byte[] upperBound(byte[] prefix) {
    byte[] upper = Arrays.copyOf(prefix, prefix.length + 1);
    upper[prefix.length] = ABOVE_ALL[0];
    return upper;
  }

  /**
   * Write timestamps in microseconds, strictly increasing within this front end. Every write
   * carries one explicitly, so that a delete can be made to cover exactly the writes it should
   * (docs/cassandra.md, "Timestamps"). They follow the wall clock shared with the Cassandra nodes
   * and the other front ends, not the store's clock for expiry decisions: a store whose clock is
   * driven (tests, emulated time) must still write after every earlier write and delete.
   */
  static final class WriteClock {
    private final InstantSource wallClock;
    private final AtomicLong last = new AtomicLong();

    WriteClock(InstantSource wallClock) {
      this.wallClock = wallClock;
    }

    long next() {
      long now = Math.multiplyExact(wallClock.millis(), 1000L);
      return last.accumulateAndGet(now, (prev, wall) -> Math.max(prev + 1, wall));
    }
  }
}
