package dev.flarekv.server.crash;

import dev.flarekv.protocol.json.KvJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the crash clients know about the store: per-key states of the small writers, the large bulks
 * (each on keys of its own) and the namespaces that are filled and deleted. Shared by the writers
 * and the checks after a restart.
 */
final class CrashModel {
  static final int CLIENTS = 8;
  static final int KEYS_PER_CLIENT = 32;

  /** A key's content; {@link #ABSENT} for a deleted or never written key. */
  record State(String value, String metadata, long expiration) {
    static final State ABSENT = new State(null, null, 0);

    boolean present() {
      return value != null;
    }

    @Override
    public String toString() {
      if (!present()) {
        return "<absent>";
      }
      String v =
          value.length() > 40 ? value.substring(0, 40) + "...(" + value.length() + ")" : value;
      return v + " meta=" + metadata + " exp=" + expiration;
    }

    /** Same value, expiration and metadata (compared as JSON). */
    boolean sameAs(State other) {
      if (present() != other.present()) {
        return false;
      }
      return !present()
          || value.equals(other.value)
              && expiration == other.expiration
              && sameJson(metadata, other.metadata);
    }

    /** Same value and metadata: what the binding's bulk get shows (it has no expiration). */
    boolean sameValueAndMetadata(State other) {
      return present() == other.present()
          && (!present() || value.equals(other.value) && sameJson(metadata, other.metadata));
    }
  }

  static boolean sameJson(String a, String b) {
    if (a == null || b == null) {
      return Objects.equals(a, b);
    }
    return KvJson.parse(a.getBytes(StandardCharsets.UTF_8))
        .equals(KvJson.parse(b.getBytes(StandardCharsets.UTF_8)));
  }

  /** What the clients know about one key of a small writer. Guarded by itself. */
  static final class KeyModel {
    final String name;
    State acknowledged = State.ABSENT;
    final Set<State> maybe = new HashSet<>();

    KeyModel(String name) {
      this.name = name;
    }
  }

  /** Where a bulk or a namespace stands. Guarded by the object. */
  enum Phase {
    /** Its write (bulk put, namespace create) got no answer: it may or may not have landed. */
    WRITING,
    /** Acknowledged, or found complete after a restart. */
    PRESENT,
    /** Its delete got no answer: it may or may not have landed. */
    DELETING,
    /** Acknowledged deleted, or found absent after a restart. */
    ABSENT
  }

  /**
   * A large bulk put of {@link #size} keys {@code b<id>-<i>} that no other request touches except
   * the bulk delete of the same keys, so after a restart it is all there or all gone. Item contents
   * are a function of (id, i), so nothing is kept per item.
   */
  static final class Bulk {
    final long id;
    final Space space; // null: the main namespace
    final int size;
    final long expiration;
    Phase phase = Phase.WRITING;
    boolean verified; // its complete contents were read back since its last change
    long sentNanos; // when its last put or delete was sent, 0 if not yet

    Bulk(long id, Space space, int size, long expiration) {
      this.id = id;
      this.space = space;
      this.size = size;
      this.expiration = expiration;
    }

    String prefix() {
      return "b" + id + "-";
    }

    String key(int i) {
      return prefix() + i;
    }

    /** 100 B to 1 KiB; one item in 2,000 is 64-128 KiB (a blob file value). */
    State item(int i) {
      SplittableRandom r = new SplittableRandom(id * 1_000_003L + i);
      int size = r.nextInt(2_000) == 0 ? 65_536 + r.nextInt(65_536) : 100 + r.nextInt(924);
      StringBuilder v = new StringBuilder(size).append(key(i)).append('|');
      while (v.length() < size) {
        v.append((char) ('a' + r.nextInt(26)));
      }
      return new State(
          v.toString(), "{\"bulk\":" + id + ",\"i\":" + i + "}", i % 2 == 0 ? expiration : 0);
    }

    @Override
    public String toString() {
      return "bulk " + id + " (" + size + " keys" + (space == null ? "" : " in " + space) + ")";
    }
  }

  /** A namespace that is created, filled with bulks and deleted. */
  static final class Space {
    final String title;
    String id; // null until its create is answered or it is found after a restart
    Phase phase = Phase.WRITING;
    final List<Bulk> bulks = new ArrayList<>();
    long sentNanos; // when its delete was sent, 0 if not yet

    Space(String title) {
      this.title = title;
    }

    long keys() {
      synchronized (this) {
        return bulks.stream()
            .filter(
                b -> {
                  synchronized (b) {
                    return b.phase == Phase.PRESENT;
                  }
                })
            .mapToLong(b -> b.size)
            .sum();
      }
    }

    @Override
    public String toString() {
      return "namespace " + title + (id == null ? "" : " " + id);
    }
  }

  final List<KeyModel> keys = new ArrayList<>();
  final List<Bulk> bulks = new ArrayList<>(); // guarded by itself; main namespace and others
  final List<Space> spaces = new ArrayList<>(); // guarded by itself
  final List<String> problems = new ArrayList<>(); // guarded by itself
  String mainNamespace;
  final AtomicLong nextId = new AtomicLong(1);

  final AtomicLong acknowledgedWrites = new AtomicLong();
  final AtomicLong acknowledgedKeyWrites = new AtomicLong();
  final AtomicLong inFlightAtKill = new AtomicLong();
  final AtomicLong bulkItemsAcknowledged = new AtomicLong();
  final AtomicLong namespaceDeletesAcknowledged = new AtomicLong();
  final AtomicLong namespaceKeysDeleted = new AtomicLong();
  // outcomes of large writes in flight at a kill: [landed, not landed]
  final long[] bulkPutsInFlight = new long[2];
  final long[] bulkDeletesInFlight = new long[2];
  final long[] namespaceDeletesInFlight = new long[2];
  // how long the large requests take when answered (moving averages, ms): the kill delays
  final AtomicLong bulkMillisPerThousand = new AtomicLong(100);
  final AtomicLong namespaceDeleteMillis = new AtomicLong(20);
  volatile long killNanos;
  long lost; // guarded by problems
  long keysChecked; // guarded by problems

  CrashModel() {
    for (int c = 0; c < CLIENTS; c++) {
      for (int k = 0; k < KEYS_PER_CLIENT; k++) {
        keys.add(new KeyModel("k-" + c + "-" + k));
      }
    }
  }

  void problem(String text) {
    synchronized (problems) {
      problems.add(text);
    }
  }

  void lost(String text) {
    synchronized (problems) {
      lost++;
      problems.add(text);
    }
  }

  void checked(long n) {
    synchronized (problems) {
      keysChecked += n;
    }
  }

  static void count(long[] outcome, boolean landed) {
    synchronized (outcome) {
      outcome[landed ? 0 : 1]++;
    }
  }

  /** Folds an answered request's duration (per {@code per} units of work) into an average. */
  static void took(AtomicLong average, long startNanos, double per) {
    long ms = (long) ((System.nanoTime() - startNanos) / 1e6 / per);
    average.updateAndGet(a -> (a * 3 + ms) / 4);
  }

  /**
   * For a large write whose answer never came: false if it was not even sent when the server was
   * killed; else counts whether it landed in {@code outcome} and says so in the output.
   */
  boolean inFlight(long sentNanos, String what, long[] outcome, boolean landed) {
    if (sentNanos == 0 || sentNanos > killNanos) {
      return false;
    }
    count(outcome, landed);
    System.out.printf(
        "  in flight at the kill: %s, sent %d ms before: %s%n",
        what, (killNanos - sentNanos) / 1_000_000, landed ? "landed" : "did not land");
    return true;
  }

  Bulk newBulk(Space space, int size, long expiration) {
    Bulk bulk = new Bulk(nextId.getAndIncrement(), space, size, expiration);
    synchronized (bulks) {
      bulks.add(bulk);
    }
    if (space != null) {
      synchronized (space) {
        space.bulks.add(bulk);
      }
    }
    return bulk;
  }

  List<Bulk> bulks() {
    synchronized (bulks) {
      return List.copyOf(bulks);
    }
  }

  List<Space> spaces() {
    synchronized (spaces) {
      return List.copyOf(spaces);
    }
  }
}
