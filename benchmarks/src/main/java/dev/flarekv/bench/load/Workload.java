package dev.flarekv.bench.load;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The workloads. Each operation is one request, except {@code ratelimit} (a get then a put of the
 * same counter key, timed together as one operation).
 */
public enum Workload {
  /** GET of preloaded keys. */
  READ,
  /** PUT of value-size bytes with a TTL, over the key space. */
  WRITE,
  /** 95% GET of preloaded keys, 5% PUT with a TTL (the session-cache pattern). */
  SESSION,
  /** GET of a counter key (404 = 0), then PUT of the incremented value with a TTL. */
  RATELIMIT,
  /** Prefix list, limit 100, over a preloaded namespace of list-keys keys. */
  LIST,
  /** Bulk PUT of 1,000 pairs (REST only). */
  BULK,
  /** 50% GET / 50% PUT of 1 MiB values. */
  LARGE;

  /** Pairs per bulk request. */
  public static final int BULK_PAIRS = 1000;

  /** Size of a value of the large workload. */
  public static final int LARGE_VALUE_BYTES = 1024 * 1024;

  /** Preloaded keys of the large workload. */
  public static final int LARGE_KEYS = 16;

  /** Page size of the list workload. */
  public static final int LIST_LIMIT = 100;

  public static Workload parse(String name) {
    return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
  }

  /** The key of index {@code i} of this workload's key space. */
  public String key(int i) {
    return switch (this) {
      case READ, WRITE, SESSION -> String.format("k%07d", i);
      case RATELIMIT -> String.format("rl/%07d", i);
      case LIST -> String.format("list/%07d", i);
      case BULK -> String.format("bulk/%07d", i);
      case LARGE -> String.format("large/%03d", i);
    };
  }

  /** How many keys must exist before the run (0 = none). */
  public int preloadKeys(int keys, int listKeys) {
    return switch (this) {
      case READ, SESSION -> keys;
      case LIST -> listKeys;
      case LARGE -> LARGE_KEYS;
      case WRITE, RATELIMIT, BULK -> 0;
    };
  }

  /** The value size this workload writes and preloads. */
  public int valueSize(int configured) {
    return this == LARGE ? LARGE_VALUE_BYTES : configured;
  }

  /** A deterministic printable value of {@code size} bytes. */
  public static byte[] value(int size) {
    byte[] v = new byte[size];
    for (int i = 0; i < size; i++) {
      v[i] = (byte) ('a' + (i * 7 + i / 26) % 26);
    }
    return v;
  }

  /** One operation: one or more requests in a row. */
  public interface Op {
    Req first();

    /**
     * The next request after a successful answer, or null when the operation is complete.
     *
     * @param body the answer's body (not retained)
     */
    Req next(int status, ByteBuf body);
  }

  private record Single(Req req) implements Op {
    @Override
    public Req first() {
      return req;
    }

    @Override
    public Req next(int status, ByteBuf body) {
      return null;
    }
  }

  /** Creates the operations of one connection (not thread-safe: one per connection). */
  public final class Source {
    private final Surface.Requests requests;
    private final int keys;
    private final int listKeys;
    private final int ttl;
    private final byte[] value;
    private final byte[][] bulkBodies;
    private final SplittableRandom random;

    Source(
        Surface.Requests requests,
        int keys,
        int listKeys,
        int valueSize,
        int ttl,
        byte[][] bulkBodies,
        long seed) {
      this.requests = requests;
      this.keys = keys;
      this.listKeys = listKeys;
      this.ttl = ttl;
      this.value = value(valueSize(valueSize));
      this.bulkBodies = bulkBodies;
      this.random = new SplittableRandom(seed);
    }

    public Op next() {
      return switch (Workload.this) {
        case READ -> new Single(requests.get(key(random.nextInt(keys)), false));
        case WRITE -> new Single(requests.put(key(random.nextInt(keys)), value, ttl));
        case SESSION -> {
          String k = key(random.nextInt(keys));
          yield new Single(
              random.nextInt(100) < 95 ? requests.get(k, false) : requests.put(k, value, ttl));
        }
        case RATELIMIT -> new CounterOp(key(random.nextInt(keys)));
        case LIST -> {
          // "list/" + the first 3 of 7 digits of an existing key: a page that is never empty
          String k = key(random.nextInt(listKeys));
          yield new Single(requests.list(k.substring(0, "list/".length() + 3), LIST_LIMIT));
        }
        case BULK -> new Single(requests.bulk(bulkBodies[random.nextInt(bulkBodies.length)]));
        case LARGE -> {
          String k = key(random.nextInt(LARGE_KEYS));
          yield new Single(
              random.nextBoolean() ? requests.get(k, false) : requests.put(k, value, ttl));
        }
      };
    }

    private final class CounterOp implements Op {
      private final String key;
      private boolean putSent;

      CounterOp(String key) {
        this.key = key;
      }

      @Override
      public Req first() {
        return requests.get(key, true);
      }

      @Override
      public Req next(int status, ByteBuf body) {
        if (putSent) {
          return null;
        }
        putSent = true;
        long count = 0;
        if (status == 200) {
          try {
            count = Long.parseLong(body.toString(StandardCharsets.US_ASCII).trim());
          } catch (NumberFormatException e) {
            count = 0;
          }
        }
        byte[] next = Long.toString(count + 1).getBytes(StandardCharsets.US_ASCII);
        return requests.put(key, next, ttl);
      }
    }
  }

  /**
   * The operation factory of one connection.
   *
   * @param keys the key space of read/write/session/ratelimit/bulk
   * @param listKeys the namespace size of list
   * @param valueSize the value size (large always uses 1 MiB)
   * @param ttl the TTL of writes, in seconds (at least 60)
   * @param bulkBodies the prebuilt bodies of bulk ({@link #bulkBodies}), empty otherwise
   */
  public Source source(
      Surface.Requests requests,
      int keys,
      int listKeys,
      int valueSize,
      int ttl,
      byte[][] bulkBodies,
      long seed) {
    return new Source(requests, keys, listKeys, valueSize, ttl, bulkBodies, seed);
  }

  /** Eight prebuilt bulk bodies over the key space, so the generator does not build JSON. */
  public byte[][] bulkBodies(int keys, int valueSize, int ttl) {
    if (this != BULK) {
      return new byte[0][];
    }
    String v = new String(value(valueSize), StandardCharsets.US_ASCII);
    byte[][] bodies = new byte[8][];
    SplittableRandom r = new SplittableRandom(42);
    for (int b = 0; b < bodies.length; b++) {
      StringBuilder json = new StringBuilder(BULK_PAIRS * (valueSize + 60)).append('[');
      for (int i = 0; i < BULK_PAIRS; i++) {
        if (i > 0) {
          json.append(',');
        }
        json.append("{\"key\":\"")
            .append(key(r.nextInt(Math.max(keys, BULK_PAIRS))))
            .append("\",\"value\":\"")
            .append(v)
            .append("\",\"expiration_ttl\":")
            .append(ttl)
            .append('}');
      }
      bodies[b] = json.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }
    return bodies;
  }
}
