package dev.flarekv.storage;

import dev.flarekv.protocol.model.KvEntry;
import java.util.Optional;

/**
 * The outcome of {@link KvStore#getIfCached}: either an answer (the live entry or its absence), or
 * {@link #WOULD_BLOCK} when answering needs disk I/O or a lock wait, and the caller must use the
 * blocking {@link KvStore#get} off the event loop instead.
 */
public final class ReadAttempt {
  /** Answering would block: call {@link KvStore#get} on a thread that may block. */
  public static final ReadAttempt WOULD_BLOCK = new ReadAttempt(false, null);

  /** Answered: the key has no live entry. */
  public static final ReadAttempt ABSENT = new ReadAttempt(true, null);

  private final boolean answered;
  private final KvEntry entry;

  private ReadAttempt(boolean answered, KvEntry entry) {
    this.answered = answered;
    this.entry = entry;
  }

  /** An answer: the entry, or {@link #ABSENT} when null. */
  public static ReadAttempt of(KvEntry entry) {
    return entry == null ? ABSENT : new ReadAttempt(true, entry);
  }

  /** Whether this is an answer; false for {@link #WOULD_BLOCK}. */
  public boolean answered() {
    return answered;
  }

  /**
   * The answer.
   *
   * @throws IllegalStateException for {@link #WOULD_BLOCK}
   */
  public Optional<KvEntry> entry() {
    if (!answered) {
      throw new IllegalStateException("no answer: the read would block");
    }
    return Optional.ofNullable(entry);
  }

  @Override
  public String toString() {
    return !answered ? "WOULD_BLOCK" : entry == null ? "ABSENT" : "FOUND(" + entry.key() + ")";
  }
}
