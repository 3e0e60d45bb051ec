package dev.flarekv.storage;

import java.util.Arrays;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Per-key mutual exclusion within one process, without a lock object per key. A key maps to one of
 * a fixed number of stripes; operations on several keys take their distinct stripes in ascending
 * order, so two such operations can never wait on each other in a cycle. A stripe is taken
 * exclusively ({@link #lock}: writers, the sweeper) or shared ({@link #lockShared}: readers that
 * must see a multi-key write whole, never half of it).
 */
public final class StripedLocks {
  private final ReentrantReadWriteLock[] stripes;

  public StripedLocks(int count) {
    if (Integer.bitCount(count) != 1) {
      throw new IllegalArgumentException("stripe count must be a power of two: " + count);
    }
    stripes = new ReentrantReadWriteLock[count];
    Arrays.setAll(stripes, i -> new ReentrantReadWriteLock());
  }

  public int stripeOf(byte[] key) {
    int h = Arrays.hashCode(key);
    h ^= h >>> 16;
    return h & (stripes.length - 1);
  }

  /**
   * Locks the stripes of all keys exclusively, in ascending stripe order; returns them for {@link
   * #unlock(int[])}.
   */
  public int[] lock(Iterable<byte[]> keys) {
    int[] held = stripesOf(keys);
    for (int stripe : held) {
      stripes[stripe].writeLock().lock();
    }
    return held;
  }

  /** Locks the key's stripe exclusively; returns it for {@link #unlock(int)}. */
  public int lock(byte[] key) {
    int stripe = stripeOf(key);
    stripes[stripe].writeLock().lock();
    return stripe;
  }

  public void unlock(int stripe) {
    stripes[stripe].writeLock().unlock();
  }

  public void unlock(int[] held) {
    release(held, false);
  }

  /**
   * Locks the stripes of all keys shared (held by any number of readers, by no writer), in
   * ascending stripe order; returns them for {@link #unlockShared}.
   */
  public int[] lockShared(Iterable<byte[]> keys) {
    int[] held = stripesOf(keys);
    for (int stripe : held) {
      stripes[stripe].readLock().lock();
    }
    return held;
  }

  public void unlockShared(int[] held) {
    release(held, true);
  }

  /** The distinct stripes of the keys, ascending. */
  private int[] stripesOf(Iterable<byte[]> keys) {
    boolean[] needed = new boolean[stripes.length];
    int count = 0;
    for (byte[] key : keys) {
      int stripe = stripeOf(key);
      if (!needed[stripe]) {
        needed[stripe] = true;
        count++;
      }
    }
    int[] held = new int[count];
    int n = 0;
    for (int stripe = 0; stripe < stripes.length; stripe++) {
      if (needed[stripe]) {
        held[n++] = stripe;
      }
    }
    return held;
  }

  private void release(int[] held, boolean shared) {
    for (int i = held.length - 1; i >= 0; i--) {
      Lock lock = shared ? stripes[held[i]].readLock() : stripes[held[i]].writeLock();
      lock.unlock();
    }
  }
}
