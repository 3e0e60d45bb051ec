package dev.flarekv.server.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A server-wide cap on request-body bytes held in memory at once, over all connections: a body is
 * counted from its head (a declared length) or its first byte until the request is released after
 * its reply, each byte times its route's weight (what parsing it adds, {@link BodyLimit#weight}).
 * When the cap is reached further bodies are refused with a 503 (read and dropped, never buffered),
 * so many concurrent large uploads cannot exhaust memory.
 */
public final class BodyBudget {
  private final long capacity;
  private final AtomicLong used = new AtomicLong();

  /**
   * @param capacityBytes the most body bytes buffered at once
   */
  public BodyBudget(long capacityBytes) {
    if (capacityBytes <= 0) {
      throw new IllegalArgumentException("capacity must be > 0: " + capacityBytes);
    }
    this.capacity = capacityBytes;
  }

  /**
   * A budget of a quarter of the heap, at least 400 MiB: room for one bulk write of the largest
   * size at its weight (4 x 100 MB, see {@link dev.flarekv.server.api.BodyLimit#weight}), so a
   * small heap still takes one. A quarter, not more: what an admitted bulk holds lives through
   * young collections, and on a 6 GB heap ten bulks at once (half the heap) made G1 pause for up to
   * half a second.
   */
  public static BodyBudget forHeap() {
    return new BodyBudget(Math.max(400L << 20, Runtime.getRuntime().maxMemory() / 4));
  }

  /** Takes {@code bytes} from the budget if they fit. */
  boolean tryReserve(long bytes) {
    while (true) {
      long current = used.get();
      if (current + bytes > capacity) {
        return false;
      }
      if (used.compareAndSet(current, current + bytes)) {
        return true;
      }
    }
  }

  /** Gives {@code bytes} back. */
  void release(long bytes) {
    used.addAndGet(-bytes);
  }

  /** Bytes held now (tests and metrics). */
  public long used() {
    return used.get();
  }

  /** The cap. */
  public long capacity() {
    return capacity;
  }
}
