package dev.flarekv.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.api.ApiRequest;
import dev.flarekv.server.api.BodyLimit;
import dev.flarekv.server.api.HeadRoute;
import dev.flarekv.server.pipeline.KvOperation;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The per-request body limit and the server-wide body budget, on an embedded channel. */
class BodyAggregatorTest {
  /** PUT bodies may be 10 bytes, everything else nothing. */
  static final Dispatcher DISPATCHER =
      new Dispatcher() {
        @Override
        public ApiReply dispatch(ApiRequest request, KvOperation declined) {
          throw new AssertionError("not used");
        }

        @Override
        public HeadRoute route(HttpRequest head) {
          return () -> new BodyLimit(head.method().equals(HttpMethod.PUT) ? 10 : 0, 1, false);
        }
      };

  static HttpRequest head(HttpMethod method, Long contentLength) {
    HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, "/k");
    if (contentLength == null) {
      head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
    } else {
      head.headers().set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
    }
    return head;
  }

  static DefaultHttpContent chunk(String s) {
    return new DefaultHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII));
  }

  static LastHttpContent last(String s) {
    return new DefaultLastHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII));
  }

  @Test
  void bodyWithinLimit_isAggregated_andBudgetReturnsOnRelease() {
    BodyBudget budget = new BodyBudget(1000);
    EmbeddedChannel ch = new EmbeddedChannel(new BodyAggregator(DISPATCHER, budget));
    ch.writeInbound(head(HttpMethod.PUT, null), chunk("hello "), last("you"));
    FullHttpRequest full = ch.readInbound();
    assertThat(full.content().toString(StandardCharsets.US_ASCII)).isEqualTo("hello you");
    assertThat(full.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(9);
    assertThat(budget.used()).isEqualTo(9);
    full.release();
    assertThat(budget.used()).isZero();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void declaredLengthOverLimit_isRejectedFromTheHead_andTheBodyDropped() {
    BodyBudget budget = new BodyBudget(1000);
    EmbeddedChannel ch = new EmbeddedChannel(new BodyAggregator(DISPATCHER, budget));
    ch.writeInbound(head(HttpMethod.PUT, 11L));
    Rejection rejection = ch.readInbound();
    assertThat(rejection.reply().status()).isEqualTo(413);
    assertThat(rejection.keepAlive()).isTrue();
    ch.writeInbound(chunk("01234"), last("56789x"));
    Object none = ch.readInbound();
    assertThat(none).isNull();
    assertThat(budget.used()).isZero();
    // the connection goes on: the next request is aggregated normally
    ch.writeInbound(head(HttpMethod.PUT, 2L), last("ok"));
    FullHttpRequest next = ch.readInbound();
    assertThat(next.content().toString(StandardCharsets.US_ASCII)).isEqualTo("ok");
    next.release();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void streamedBodyOverLimit_reportsTheRealLengthAtTheEnd() {
    BodyBudget budget = new BodyBudget(1000);
    EmbeddedChannel ch = new EmbeddedChannel(new BodyAggregator(DISPATCHER, budget));
    ch.writeInbound(head(HttpMethod.PUT, null), chunk("0123456789"), chunk("abc"));
    Object nothing = ch.readInbound();
    assertThat(nothing).isNull();
    assertThat(budget.used()).as("nothing held once over the limit").isZero();
    ch.writeInbound(last("de"));
    Rejection rejection = ch.readInbound();
    assertThat(rejection.reply().status()).isEqualTo(413);
    assertThat(new String(rejection.reply().body(), StandardCharsets.UTF_8))
        .contains("Request body of 15 bytes exceeds the limit of 10 bytes");
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void budgetSpent_requestGets503_andLaterRequestsWorkAgain() {
    BodyBudget budget = new BodyBudget(8);
    EmbeddedChannel ch = new EmbeddedChannel(new BodyAggregator(DISPATCHER, budget));
    ch.writeInbound(head(HttpMethod.PUT, 5L), last("12345"));
    FullHttpRequest held = ch.readInbound(); // 5 of 8 bytes held
    ch.writeInbound(head(HttpMethod.PUT, 5L), last("67890"));
    Rejection busy = ch.readInbound();
    assertThat(busy.reply().status()).isEqualTo(ErrorCode.UNAVAILABLE.httpStatus());
    assertThat(budget.used()).isEqualTo(5);
    held.release();
    ch.writeInbound(head(HttpMethod.PUT, 5L), last("abcde"));
    FullHttpRequest again = ch.readInbound();
    assertThat(again.content().readableBytes()).isEqualTo(5);
    again.release();
    assertThat(budget.used()).isZero();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void weightedBody_countsItsWeight_andADeclaredLengthIsReservedFromTheHead() {
    Dispatcher weighted =
        new Dispatcher() {
          @Override
          public ApiReply dispatch(ApiRequest request, KvOperation declined) {
            throw new AssertionError("not used");
          }

          @Override
          public HeadRoute route(HttpRequest head) {
            return () -> new BodyLimit(10, 3, false);
          }
        };
    BodyBudget budget = new BodyBudget(20);
    EmbeddedChannel ch = new EmbeddedChannel(new BodyAggregator(weighted, budget));
    ch.writeInbound(head(HttpMethod.PUT, 4L));
    assertThat(budget.used()).as("4 declared bytes at weight 3, before any body").isEqualTo(12);
    ch.writeInbound(chunk("ab"), last("cd"));
    FullHttpRequest held = ch.readInbound();
    assertThat(budget.used()).isEqualTo(12);
    // 3 more declared bytes would cost 9 more: refused from the head, body dropped
    ch.writeInbound(head(HttpMethod.PUT, 3L));
    Rejection busy = ch.readInbound();
    assertThat(busy.reply().status()).isEqualTo(ErrorCode.UNAVAILABLE.httpStatus());
    assertThat(busy.keepAlive()).isTrue();
    ch.writeInbound(last("xyz"));
    assertThat(budget.used()).isEqualTo(12);
    // a streamed body pays as it comes: 2 bytes fit (6), the third would not
    ch.writeInbound(head(HttpMethod.PUT, null), chunk("12"));
    assertThat(budget.used()).isEqualTo(18);
    ch.writeInbound(last("3"));
    Rejection busyToo = ch.readInbound();
    assertThat(busyToo.reply().status()).isEqualTo(ErrorCode.UNAVAILABLE.httpStatus());
    assertThat(budget.used()).isEqualTo(12);
    held.release();
    assertThat(budget.used()).isZero();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void budgetSpent_withExpectContinue_refusesWithoutContinue_andCloses() {
    BodyBudget budget = new BodyBudget(8);
    EmbeddedChannel ch = new EmbeddedChannel(new BodyAggregator(DISPATCHER, budget));
    HttpRequest head = head(HttpMethod.PUT, 9L);
    head.headers().set(HttpHeaderNames.EXPECT, "100-continue");
    ch.writeInbound(head);
    Rejection busy = ch.readInbound();
    assertThat(busy.reply().status()).isEqualTo(ErrorCode.UNAVAILABLE.httpStatus());
    assertThat(busy.keepAlive()).as("the client sends no body: the connection ends").isFalse();
    Object continued = ch.readOutbound();
    assertThat(continued).as("no 100 Continue").isNull();
    assertThat(budget.used()).isZero();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void routesWithoutBody_refuseOne() {
    EmbeddedChannel ch = new EmbeddedChannel(new BodyAggregator(DISPATCHER, new BodyBudget(100)));
    ch.writeInbound(head(HttpMethod.POST, 3L), last("abc"));
    Rejection rejection = ch.readInbound();
    assertThat(rejection.reply().status()).isEqualTo(413);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }
}
