package dev.flarekv.server.watch;

import dev.flarekv.server.api.EventStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connected watcher: the changes of one namespace (keys with its prefix) waiting to be sent, in
 * a bounded queue. A writer's {@link #offer} never blocks: when the queue is full the change is
 * dropped and counted, and the watcher is told the count in a {@code dropped} event once the queue
 * has room again. Registered with the feed only between {@link #start} and {@link #close}.
 */
public final class Watcher implements EventStream {
  /** Frames one {@link #poll} joins into one chunk. */
  private static final int BATCH = 64;

  private final ChangeFeed feed;
  private final String namespaceId;
  private final String prefix;
  private final ArrayBlockingQueue<Change> queue;
  private final AtomicLong dropped = new AtomicLong();
  private volatile Runnable wake;
  private boolean greeted;

  Watcher(ChangeFeed feed, String namespaceId, String prefix, int capacity) {
    this.feed = feed;
    this.namespaceId = namespaceId;
    this.prefix = prefix;
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  String namespaceId() {
    return namespaceId;
  }

  void offer(Change change) {
    if (!change.key().startsWith(prefix)) {
      return;
    }
    if (!queue.offer(change)) {
      dropped.incrementAndGet();
    }
    Runnable w = wake;
    if (w != null) {
      w.run();
    }
  }

  @Override
  public void start(Runnable wake) {
    this.wake = wake;
    feed.add(this);
  }

  @Override
  public String poll() {
    StringBuilder out = new StringBuilder();
    if (!greeted) {
      greeted = true;
      out.append(": watching namespace ").append(namespaceId);
      if (!prefix.isEmpty()) {
        out.append(" prefix ").append(prefix.replace('\n', ' ').replace('\r', ' '));
      }
      out.append("\n\n");
    }
    Change change;
    for (int i = 0; i < BATCH && (change = queue.poll()) != null; i++) {
      out.append(change.frame());
    }
    if (queue.isEmpty()) {
      long lost = dropped.getAndSet(0);
      if (lost > 0) {
        out.append("event: dropped\ndata: {\"count\":").append(lost).append("}\n\n");
      }
    }
    return out.isEmpty() ? null : out.toString();
  }

  @Override
  public void close() {
    feed.remove(this);
    queue.clear();
  }
}
