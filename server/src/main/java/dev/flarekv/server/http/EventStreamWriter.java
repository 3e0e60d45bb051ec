package dev.flarekv.server.http;

import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.api.EventStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes a streamed reply ({@link ApiReply#stream}) on a connection that {@link KvRouteHandler}
 * hands over: the head with chunked transfer encoding, then each text the {@link EventStream}
 * produces as one HTTP chunk, for as long as the connection lives. The stream is the connection's
 * last response: the connection closes when it ends.
 *
 * <p>Installed first in the pipeline, so it sees the socket before the HTTP codec: it reads the
 * socket again (the route handler had stopped reading) and throws away whatever the client sends,
 * so a client that hangs up is noticed at once (end of stream closes the channel). Every {@link
 * #heartbeat} it writes an SSE comment, so a client that vanished without a word is noticed when
 * the write fails, and proxies keep the connection open. Chunks are written only while the channel
 * is writable: a client that does not read makes the stream stop polling, and its {@link
 * EventStream} decides what to drop, so the server never buffers without bound. When the channel
 * closes (client, write failure, or a server shutdown closing every connection) the stream is
 * closed and the heartbeat cancelled.
 */
final class EventStreamWriter extends ChannelInboundHandlerAdapter {
  /** The default interval between heartbeat comments. */
  static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);

  /** System property overriding {@link #DEFAULT_HEARTBEAT}, in milliseconds (tests). */
  static final String HEARTBEAT_PROPERTY = "flarekv.stream.heartbeat-millis";

  private static final String HEARTBEAT_TEXT = ": heartbeat\n\n";

  private final EventStream stream;
  private final AtomicBoolean wakeScheduled = new AtomicBoolean();
  private Channel channel;
  private ScheduledFuture<?> heartbeat;
  private boolean closed;

  private EventStreamWriter(EventStream stream) {
    this.stream = stream;
  }

  /**
   * Hands the channel to the stream of {@code reply}; on the channel's event loop. If the channel
   * is already closed the stream is never started.
   */
  static void start(ChannelHandlerContext ctx, ApiReply reply) {
    Channel ch = ctx.channel();
    if (!ch.isActive()) {
      return;
    }
    EventStreamWriter writer = new EventStreamWriter(reply.stream());
    writer.channel = ch;
    ch.pipeline().addFirst("eventStream", writer);
    writer.stream.start(writer::wake);
    ch.closeFuture().addListener(f -> writer.end()); // notified on the event loop
    HttpResponse head =
        new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status()));
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
    for (Map.Entry<String, String> h : reply.headers().entrySet()) {
      head.headers().set(h.getKey(), h.getValue());
    }
    HttpUtil.setTransferEncodingChunked(head, true);
    head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ch.writeAndFlush(head).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    long every = Long.getLong(HEARTBEAT_PROPERTY, DEFAULT_HEARTBEAT.toMillis());
    writer.heartbeat =
        ch.eventLoop().scheduleAtFixedRate(writer::beat, every, every, TimeUnit.MILLISECONDS);
    ch.config().setAutoRead(true);
    writer.flush();
  }

  /** Any thread: the stream has text ready. */
  private void wake() {
    if (wakeScheduled.compareAndSet(false, true)) {
      try {
        channel.eventLoop().execute(this::flush);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        wakeScheduled.set(false); // the server is stopping; the channel closes with it
      }
    }
  }

  private void flush() {
    wakeScheduled.set(false);
    if (closed) {
      return;
    }
    boolean wrote = false;
    String text;
    while (channel.isWritable() && (text = stream.poll()) != null) {
      channel.write(chunk(text)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
      wrote = true;
    }
    if (wrote) {
      channel.flush();
    }
  }

  private void beat() {
    if (!closed && channel.isWritable()) {
      channel
          .writeAndFlush(chunk(HEARTBEAT_TEXT))
          .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }
  }

  private DefaultHttpContent chunk(String text) {
    ByteBuf buf = ByteBufUtil.writeUtf8(channel.alloc(), text);
    return new DefaultHttpContent(buf);
  }

  /** Once, on the event loop, when the channel closed. */
  private void end() {
    if (closed) {
      return;
    }
    closed = true;
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
    stream.close();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg); // nothing a client sends on a stream is read
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      flush();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
