package dev.flarekv.storage.clock;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Emulated time: a {@link KvClock} that can be moved forward and frozen by hand, over a base clock
 * ({@link KvClock#system()} in production, a test's settable clock in tests). A server hands this
 * one instance to everything that decides on time, so expiry, the sweeper, TTLs and every window
 * follow it (docs/modes.md, "Emulated time").
 *
 * <p>Now is {@code frozen ? frozenAt : base + offset}. Reading it is one volatile read of an
 * immutable state plus, while ticking, one read of the base clock. Changes are serialized and then
 * announced to the {@linkplain #onChange listeners}, so work scheduled on time (the sweeper) can
 * react to a jump at once instead of waiting for real time to catch up.
 *
 * <p>Emulated time never goes back: {@link #advance} takes a positive number of seconds, {@link
 * #set} refuses an instant before now, and {@link #resume} continues from the frozen instant (the
 * offset to the base absorbs the time spent frozen). Nothing may move it past {@link
 * #MAX_EPOCH_SECONDS}. A refused change throws {@link IllegalArgumentException} (or {@link
 * IllegalStateException} for a freeze this clock cannot do) and leaves the clock as it was.
 */
public final class EmulatedClock implements KvClock {
  /** The latest emulated time: 9999-12-31T23:59:59Z, the last instant with a four-digit year. */
  public static final long MAX_EPOCH_SECONDS = 253_402_300_799L;

  private static final long MAX_MILLIS = MAX_EPOCH_SECONDS * 1000L + 999;

  /** The clock's state at one moment. */
  private record State(boolean frozen, long frozenAtMillis, long offsetMillis) {}

  private final KvClock base;
  private final String freezeRefusal;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile State state;

  private EmulatedClock(KvClock base, boolean frozen, String freezeRefusal) {
    this.base = Objects.requireNonNull(base, "base");
    this.freezeRefusal = freezeRefusal;
    this.state = new State(frozen, frozen ? base.millis() : 0, 0);
  }

  /** A clock that follows {@code base} until moved or frozen by hand ({@code --clock system}). */
  public static EmulatedClock ticking(KvClock base) {
    return new EmulatedClock(base, false, null);
  }

  /** A clock frozen at {@code base}'s current time ({@code --clock manual}). */
  public static EmulatedClock frozen(KvClock base) {
    return new EmulatedClock(base, true, null);
  }

  /**
   * A ticking clock that can be moved forward but never frozen, for a store that removes expired
   * data by real time on its own (the Cassandra engine's TTLs): while frozen, such data would
   * vanish before its emulated expiration. {@link #freeze} throws with {@code reason}.
   */
  public static EmulatedClock unfreezable(KvClock base, String reason) {
    return new EmulatedClock(base, false, Objects.requireNonNull(reason, "reason"));
  }

  @Override
  public long millis() {
    State s = state;
    return s.frozen ? s.frozenAtMillis : base.millis() + s.offsetMillis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  /** Whether the clock stands still. */
  public boolean isFrozen() {
    return state.frozen;
  }

  /** Whether {@link #freeze} is allowed. */
  public boolean canFreeze() {
    return freezeRefusal == null;
  }

  /** How far emulated time is ahead of the base clock, in milliseconds (negative once frozen). */
  public long offsetMillis() {
    State s = state;
    return s.frozen ? s.frozenAtMillis - base.millis() : s.offsetMillis;
  }

  /**
   * Runs {@code listener} after every change ({@link #advance}, {@link #set}, {@link #freeze},
   * {@link #resume}), on the thread that made it. It must be quick and must not throw.
   */
  public void onChange(Runnable listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Moves the clock {@code seconds} forward, ticking or frozen.
   *
   * @throws IllegalArgumentException when {@code seconds} is not positive or would move the clock
   *     past {@link #MAX_EPOCH_SECONDS}
   */
  public void advance(long seconds) {
    if (seconds <= 0) {
      throw new IllegalArgumentException(
          "advance must be a positive number of seconds, got " + seconds);
    }
    synchronized (this) {
      long now = millis();
      if (seconds > MAX_EPOCH_SECONDS || now + seconds * 1000L > MAX_MILLIS) {
        throw new IllegalArgumentException(
            "advance of " + seconds + " s would move the clock past " + maxInstant());
      }
      moveTo(now + seconds * 1000L);
    }
    announce();
  }

  /**
   * Moves the clock to {@code epochSeconds}, ticking or frozen.
   *
   * @throws IllegalArgumentException when that is before now (emulated time only moves forward) or
   *     after {@link #MAX_EPOCH_SECONDS}
   */
  public void set(long epochSeconds) {
    synchronized (this) {
      if (epochSeconds > MAX_EPOCH_SECONDS) {
        throw new IllegalArgumentException(
            "set " + epochSeconds + " is after the latest emulated time, " + maxInstant());
      }
      long now = millis();
      long target = epochSeconds * 1000L;
      if (target < now) {
        throw new IllegalArgumentException(
            "set "
                + epochSeconds
                + " is in the past: the clock is at "
                + Math.floorDiv(now, 1000L)
                + " ("
                + Instant.ofEpochMilli(now)
                + "); emulated time only moves forward (restart the server to start over)");
      }
      moveTo(target);
    }
    announce();
  }

  /**
   * Stops the clock at the current time; nothing changes when it is frozen already.
   *
   * @throws IllegalStateException when this clock cannot be frozen (see {@link #unfreezable})
   */
  public void freeze() {
    if (freezeRefusal != null) {
      throw new IllegalStateException(freezeRefusal);
    }
    synchronized (this) {
      State s = state;
      if (s.frozen) {
        return;
      }
      state = new State(true, base.millis() + s.offsetMillis, 0);
    }
    announce();
  }

  /** Lets the clock tick again from where it stands; nothing changes when it is ticking already. */
  public void resume() {
    synchronized (this) {
      State s = state;
      if (!s.frozen) {
        return;
      }
      state = new State(false, 0, s.frozenAtMillis - base.millis());
    }
    announce();
  }

  /** Sets now to {@code millis}, keeping the clock frozen or ticking. Holds the lock. */
  private void moveTo(long millis) {
    State s = state;
    state = s.frozen ? new State(true, millis, 0) : new State(false, 0, millis - base.millis());
  }

  private void announce() {
    for (Runnable listener : listeners) {
      listener.run();
    }
  }

  private static Instant maxInstant() {
    return Instant.ofEpochSecond(MAX_EPOCH_SECONDS);
  }

  @Override
  public String toString() {
    State s = state;
    return "EmulatedClock[" + (s.frozen ? "frozen at " : "ticking at ") + instant() + "]";
  }
}
