package dev.flarekv.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.api.ApiRequest;
import dev.flarekv.server.pipeline.KvOperation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.flow.FlowControlHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The route handler's reading discipline on an embedded channel with the pipeline's flow control in
 * front of it: one request at a time, a {@code read()} only when idle and writable, replies in
 * request order.
 */
class KvRouteHandlerTest {
  /** Counts the {@code read()} calls that get past the flow control (to the socket). */
  static final class Reads extends ChannelOutboundHandlerAdapter {
    int count;

    @Override
    public void read(ChannelHandlerContext ctx) {
      count++;
      ctx.read();
    }
  }

  /** Answers {@code /inline/...} on the event loop, the rest on the executor; body = path. */
  static final Dispatcher DISPATCHER =
      new Dispatcher() {
        @Override
        public ApiReply dispatch(ApiRequest request, KvOperation declined) {
          return ApiReply.bytes(request.rawPath().getBytes(StandardCharsets.UTF_8), Map.of());
        }

        @Override
        public Inline dispatchInline(ApiRequest request) {
          return request.rawPath().startsWith("/inline")
              ? Inline.answered(dispatch(request))
              : Inline.BLOCKING;
        }
      };

  final ArrayDeque<Runnable> executor = new ArrayDeque<>();
  final Reads reads = new Reads();
  EmbeddedChannel ch;

  @BeforeEach
  void open() throws Exception {
    ch =
        new EmbeddedChannel(
            false,
            false,
            reads,
            new FlowControlHandler(),
            new KvRouteHandler(DISPATCHER, executor::add));
    ch.config().setAutoRead(false);
    ch.register();
  }

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
  }

  static FullHttpRequest get(String path) {
    return new DefaultFullHttpRequest(
        HttpVersion.HTTP_1_1, HttpMethod.GET, path, Unpooled.EMPTY_BUFFER);
  }

  static FullHttpRequest put(String path) {
    return new DefaultFullHttpRequest(
        HttpVersion.HTTP_1_1,
        HttpMethod.PUT,
        path,
        Unpooled.copiedBuffer("body", StandardCharsets.UTF_8));
  }

  /** The replies written so far, as their bodies (released). */
  List<String> replies() {
    List<String> out = new ArrayList<>();
    while (ch.outboundMessages().peek() instanceof FullHttpResponse) {
      FullHttpResponse r = ch.readOutbound();
      out.add(r.content().toString(StandardCharsets.UTF_8));
      r.release();
    }
    return out;
  }

  /** Runs the storage executor and the event loop until both are idle. */
  void runAll() {
    ch.runPendingTasks();
    Runnable task;
    while ((task = executor.poll()) != null) {
      task.run();
      ch.runPendingTasks();
    }
  }

  @Test
  void activeChannel_asksForTheFirstRequest() {
    assertThat(reads.count).isEqualTo(1);
  }

  @Test
  void oneRequestAtATime_repliesInOrder_noReadWhileBusy() {
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      paths.add((i % 3 == 0 ? "/slow/" : "/inline/") + i);
    }
    ch.writeInbound(paths.stream().map(KvRouteHandlerTest::get).toArray());
    // the first went to the executor; the other 39 wait in the flow control, unread by the route
    assertThat(executor).hasSize(1);
    assertThat(replies()).isEmpty();
    assertThat(reads.count).as("no socket read while a request is answered").isEqualTo(1);
    runAll();
    assertThat(replies()).isEqualTo(paths);
    assertThat(reads.count).as("one socket read once the backlog is answered").isEqualTo(2);
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void longRunOfInlineAnswers_doesNotRecurse() {
    int n = 20_000;
    Object[] requests = new Object[n + 1];
    requests[0] = get("/slow/first");
    for (int i = 1; i <= n; i++) {
      requests[i] = get("/inline/" + i);
    }
    ch.writeInbound(requests);
    runAll();
    List<String> out = replies();
    assertThat(out).hasSize(n + 1);
    assertThat(out.get(n)).isEqualTo("/inline/" + n);
    assertThat(reads.count).isEqualTo(2);
  }

  @Test
  void unwritableChannel_stopsReading_untilWritableAgain() {
    ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    assertThat(ch.isWritable()).isFalse();
    ch.writeInbound(get("/inline/a"), get("/inline/b"), get("/inline/c"));
    assertThat(replies())
        .as("the request already asked for is answered")
        .containsExactly("/inline/a");
    assertThat(reads.count).isEqualTo(1);
    ch.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
    ch.runPendingTasks();
    assertThat(replies()).containsExactly("/inline/b", "/inline/c");
    assertThat(reads.count).isEqualTo(2);
  }

  @Test
  void lastReply_closes_andNothingAfterItIsHandled() {
    FullHttpRequest last = get("/inline/last");
    last.headers().set(HttpHeaderNames.CONNECTION, "close");
    ch.writeInbound(get("/inline/first"), last, get("/inline/never"));
    runAll();
    List<FullHttpResponse> out = new ArrayList<>();
    FullHttpResponse r;
    while ((r = ch.readOutbound()) != null) {
      out.add(r);
    }
    assertThat(out).hasSize(2);
    assertThat(HttpUtil.isKeepAlive(out.get(0))).isTrue();
    assertThat(HttpUtil.isKeepAlive(out.get(1))).isFalse();
    out.forEach(FullHttpResponse::release);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void closeRejection_closesAfterTheRepliesBeforeIt() {
    ch.writeInbound(get("/slow/1"), Rejection.CLOSE, get("/inline/never"));
    runAll();
    assertThat(replies()).containsExactly("/slow/1");
    ByteBuf flushed = ch.readOutbound();
    assertThat(flushed.readableBytes()).isZero();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void readCycleWithoutAWholeRequest_asksAgain_andOnlyThen() {
    // autoRead is off: a read cycle that ends with half a head must not leave the channel unread
    ch.pipeline().fireChannelReadComplete();
    assertThat(reads.count).isEqualTo(2);
    ch.writeInbound(get("/slow/1"));
    ch.pipeline().fireChannelReadComplete();
    assertThat(reads.count).as("no read while the request is answered").isEqualTo(2);
    runAll();
    assertThat(replies()).containsExactly("/slow/1");
    assertThat(reads.count).isEqualTo(3);
  }

  /** A channel whose route handler gets requests pushed at it, with no flow control in front. */
  EmbeddedChannel withoutFlowControl(Reads counter) throws Exception {
    EmbeddedChannel raw =
        new EmbeddedChannel(false, false, counter, new KvRouteHandler(DISPATCHER, executor::add));
    raw.config().setAutoRead(false);
    raw.register();
    return raw;
  }

  @Test
  void requestsPushedWhileBusy_waitInTheQueue_andAreAnsweredInOrder() throws Exception {
    Reads counter = new Reads();
    EmbeddedChannel raw = withoutFlowControl(counter);
    try {
      raw.writeInbound(get("/slow/1"), get("/inline/2"), get("/slow/3"), get("/inline/4"));
      assertThat(executor).as("one request at a time").hasSize(1);
      assertThat(raw.outboundMessages()).isEmpty();
      runAllOn(raw);
      List<String> out = new ArrayList<>();
      FullHttpResponse r;
      while ((r = raw.readOutbound()) != null) {
        out.add(r.content().toString(StandardCharsets.UTF_8));
        r.release();
      }
      assertThat(out).containsExactly("/slow/1", "/inline/2", "/slow/3", "/inline/4");
      assertThat(counter.count).as("the queue is worked off before the next read").isEqualTo(2);
    } finally {
      raw.finishAndReleaseAll();
    }
  }

  @Test
  void queuedRequests_areReleasedWhenTheConnectionCloses() throws Exception {
    EmbeddedChannel raw = withoutFlowControl(new Reads());
    FullHttpRequest first = put("/slow/1");
    FullHttpRequest queued = put("/inline/2");
    raw.writeInbound(first, queued);
    assertThat(queued.refCnt()).as("held in the queue").isOne();
    raw.close();
    assertThat(queued.refCnt()).as("released on close").isZero();
    runAllOn(raw); // the reply to the first meets a closed channel
    assertThat(first.refCnt()).isZero();
    raw.finishAndReleaseAll();
  }

  void runAllOn(EmbeddedChannel channel) {
    channel.runPendingTasks();
    Runnable task;
    while ((task = executor.poll()) != null) {
      task.run();
      channel.runPendingTasks();
    }
  }
}
