package dev.flarekv.server.api;

/**
 * The source of a streamed reply ({@link ApiReply#stream}): text chunks, Server-Sent Events frames,
 * sent on one connection until it closes. The connection's handler drives it, on its event loop:
 * {@link #start} once, right before the response head is written; {@link #poll} whenever the stream
 * called its wake-up and the connection can take more; {@link #close} exactly once when the
 * connection closes, whatever the reason (the client left, a write failed, the server shuts down).
 * A stream that was never started is never closed, so it must hold nothing before {@link #start}.
 */
public interface EventStream {
  /**
   * Starts producing. {@code wake} may be called from any thread, any number of times, when text is
   * ready; it never blocks.
   */
  void start(Runnable wake);

  /** The text ready to send now, or null when there is none. Must not block. */
  String poll();

  /** Releases everything the stream holds; called once, after {@link #start}. */
  void close();
}
