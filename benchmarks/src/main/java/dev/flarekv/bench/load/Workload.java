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

  /** Key spaces up to this size have their requests built before the run (about 300 B a key). */
  static final int PREBUILT_KEYS = 200_000;

  /** Page size of the list workload. */
  public static final int LIST_LIMIT = 100;

  public static Workload parse(String name) {
    return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
  }

  /** The key of index {@code i} of this workload's key space. */
  public String key(int i) {
    return switch (this) {
      case READ, WRITE, SESSION -> pad("k", i, 7);
      case RATELIMIT -> pad("rl/", i, 7);
      case LIST -> pad("list/", i, 7);
      case BULK -> pad("bulk/", i, 7);
      case LARGE -> pad("large/", i, 3);
    };
  }

  /** {@code prefix + String.format("%0<width>d", i)} for i >= 0, without a Formatter. */
  private static String pad(String prefix, int i, int width) {
    String digits = Integer.toString(i);
    int zeros = width - digits.length();
    return zeros <= 0 ? prefix + digits : prefix + "0".repeat(zeros) + digits;
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

    /** Whether {@link #next} reads the answer's body (otherwise the body is skipped unread). */
    default boolean wantsBody() {
      return false;
    }

    /**
     * The next request after a successful answer, or null when the operation is complete.
     *
     * @param body the answer's body (not retained)
     */
    Req next(int status, ByteBuf body);

    /** An operation of one request. */
    static Op single(Req req) {
      return new Single(req);
    }
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

  /**
   * The requests of one run, shared by all its connections and built once per key: an operation
   * then costs a random number and an array read, not string formatting and HTTP encoding. The
   * cached {@link Req}s are immutable (final fields), so a racy lazy fill is safe.
   */
  public final class Shared {
    private final Surface.Requests requests;
    private final int keys;
    private final int listKeys;
    private final int ttl;
    private final byte[] value;
    private final Req[] gets;
    private final Req[] puts;
    private final Req[] lists;
    private final Single[] bulks;

    Shared(LoadPlan plan) {
      this.requests = plan.requests();
      this.keys = plan.keys();
      this.listKeys = plan.listKeys();
      this.ttl = plan.ttl();
      this.value = value(valueSize(plan.valueSize()));
      int space = Workload.this == LARGE ? LARGE_KEYS : keys;
      boolean keyed = Workload.this != LIST && Workload.this != BULK;
      this.gets = new Req[keyed ? space : 0];
      this.puts = new Req[keyed ? space : 0];
      this.lists = new Req[Workload.this == LIST ? listKeys / 10_000 + 1 : 0];
      if (space <= PREBUILT_KEYS) {
        // build them now rather than on first use: the hot path then never takes the slow branch
        // (which also keeps it small for the JIT), and no connection formats a key while measured
        for (int i = 0; i < space; i++) {
          switch (Workload.this) {
            case READ -> get(i, false);
            case RATELIMIT -> get(i, true);
            case WRITE -> put(i);
            case SESSION, LARGE -> {
              get(i, false);
              put(i);
            }
            default -> {}
          }
        }
      }
      byte[][] bulkBodies = bulkBodies(keys, plan.valueSize(), ttl);
      this.bulks = new Single[bulkBodies.length];
      for (int i = 0; i < bulkBodies.length; i++) {
        bulks[i] = new Single(requests.bulk(bulkBodies[i]));
      }
    }

    Req get(int i, boolean notFoundOk) {
      // one workload always asks with the same notFoundOk (only ratelimit's counter read is true)
      Req r = gets[i];
      if (r == null) {
        r = requests.get(key(i), notFoundOk);
        gets[i] = r;
      }
      return r;
    }

    Req put(int i) {
      Req r = puts[i];
      if (r == null) {
        r = requests.put(key(i), value, ttl);
        puts[i] = r;
      }
      return r;
    }

    Req list(int i) {
      // "list/" + the first 3 of 7 digits of an existing key: a page that is never empty
      int page = i / 10_000;
      Req r = lists[page];
      if (r == null) {
        r = requests.list(key(i).substring(0, "list/".length() + 3), LIST_LIMIT);
        lists[page] = r;
      }
      return r;
    }
  }

  /** Creates the operations of one connection (not thread-safe: one per connection). */
  public final class Source implements LoadRunner.OpSource {
    private final Shared shared;
    private final SplittableRandom random;

    Source(Shared shared, long seed) {
      this.shared = shared;
      this.random = new SplittableRandom(seed);
    }

    @Override
    public Op next() {
      Shared s = shared;
      return switch (Workload.this) {
        case READ -> new Single(s.get(random.nextInt(s.keys), false));
        case WRITE -> new Single(s.put(random.nextInt(s.keys)));
        case SESSION -> {
          int k = random.nextInt(s.keys);
          yield new Single(random.nextInt(100) < 95 ? s.get(k, false) : s.put(k));
        }
        case RATELIMIT -> new CounterOp(random.nextInt(s.keys));
        case LIST -> new Single(s.list(random.nextInt(s.listKeys)));
        case BULK -> s.bulks[random.nextInt(s.bulks.length)];
        case LARGE -> {
          int k = random.nextInt(LARGE_KEYS);
          yield new Single(random.nextBoolean() ? s.get(k, false) : s.put(k));
        }
      };
    }

    private final class CounterOp implements Op {
      private final int key;
      private boolean putSent;

      CounterOp(int key) {
        this.key = key;
      }

      @Override
      public Req first() {
        return shared.get(key, true);
      }

      @Override
      public boolean wantsBody() {
        return true;
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
        return shared.requests.put(key(key), next, shared.ttl);
      }
    }
  }

  /**
   * The request cache of one run of {@code plan}, shared by its connections: its requests, key
   * space, list size, value size (large always uses 1 MiB) and TTL, and for bulk the prebuilt
   * bodies ({@link #bulkBodies}).
   */
  public Shared shared(LoadPlan plan) {
    return new Shared(plan);
  }

  /** The operation factory of one connection. */
  public Source source(Shared shared, long seed) {
    return new Source(shared, seed);
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
