package dev.flarekv.storage.rocks;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-key mutual exclusion between writers and the sweeper, without a lock object per key. A key
 * maps to one of a fixed number of stripes; operations on several keys take their distinct stripes
 * in ascending order, so two such operations can never wait on each other in a cycle.
 */
final class StripedLocks {
  private final ReentrantLock[] stripes;

  StripedLocks(int count) {
    if (Integer.bitCount(count) != 1) {
      throw new IllegalArgumentException("stripe count must be a power of two: " + count);
    }
    stripes = new ReentrantLock[count];
    Arrays.setAll(stripes, i -> new ReentrantLock());
  }

  int stripeOf(byte[] dataKey) {
    int h = Arrays.hashCode(dataKey);
    h ^= h >>> 16;
    return h & (stripes.length - 1);
  }

  /** Locks the stripes of all keys in ascending stripe order; returns them for {@link #unlock}. */
  int[] lock(Iterable<byte[]> dataKeys) {
    boolean[] needed = new boolean[stripes.length];
    int count = 0;
    for (byte[] key : dataKeys) {
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
    for (int stripe : held) {
      stripes[stripe].lock();
    }
    return held;
  }

  int lock(byte[] dataKey) {
    int stripe = stripeOf(dataKey);
    stripes[stripe].lock();
    return stripe;
  }

  void unlock(int stripe) {
    stripes[stripe].unlock();
  }

  void unlock(int[] held) {
    for (int i = held.length - 1; i >= 0; i--) {
      stripes[held[i]].unlock();
    }
  }
}
