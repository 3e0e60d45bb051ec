package dev.flarekv.server.http;

import dev.flarekv.protocol.error.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses a request whose header section folds a field over several lines (obs-fold, RFC 9112
 * section 5.2: a header line that starts with a space or a tab). Netty's decoder would join such a
 * line to the field before it, so {@code Authorization: Bearer} followed by a line of blanks would
 * reach the server as {@code "Bearer "}; RFC 9112 lets a server reject the message with 400
 * instead, and that is what happens here: the client gets the listener's own 400 ({@link
 * Dispatcher#error}, so an envelope on REST, a text reply on the binding listener) and the
 * connection closes after the requests before it are answered.
 *
 * <p>Sits in front of the HTTP codec and hands it the bytes unchanged. To know where each header
 * section begins and ends (and so never mistake a body line that starts with a space for a folded
 * header), it runs its own copy of Netty's request decoder over the same bytes, with the codec's
 * limits, and throws away what that decodes; only the header lines are scanned. Chunked trailers
 * are not checked: the server reads no field from them. One instance per connection.
 */
final class ObsFoldGuard extends HttpRequestDecoder {
  /** What the client is told. */
  static final String MESSAGE =
      "Header field line folding (a header line starting with a space or tab) is not allowed;"
          + " send each header field on one line";

  private static final int LINE_START = 0;
  private static final int IN_LINE = 1;
  private static final int CR_AT_LINE_START = 2;

  private final Dispatcher dispatcher;
  private final List<Object> decoded = new ArrayList<>();

  /** The buffer being decoded, so {@link #createMessage} can see where the header lines begin. */
  private ByteBuf in;

  /** Where the current decode step began in {@link #in}. */
  private int stepStart;

  /** Where the bytes of the request being decoded began in this call ({@link #decode}). */
  private int requestStart;

  /** Inside a header section, and where its unscanned part begins in {@link #in}. */
  private boolean inHead;

  private int scanFrom;
  private int lineState;

  /** A folded header was found: every later byte is dropped. */
  private boolean refused;

  /** The copy decoder failed (the codec will refuse the same bytes): just pass bytes on. */
  private boolean passThrough;

  ObsFoldGuard(Dispatcher dispatcher, int maxInitialLineLength, int maxHeaderSize) {
    super(
        new HttpDecoderConfig()
            .setMaxInitialLineLength(maxInitialLineLength)
            .setMaxHeaderSize(maxHeaderSize)
            .setMaxChunkSize(Integer.MAX_VALUE)
            .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory().withValidation(false))
            .setTrailersFactory(DefaultHttpHeadersFactory.trailersFactory().withValidation(false)));
    this.dispatcher = dispatcher;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out)
      throws Exception {
    if (refused) {
      buffer.skipBytes(buffer.readableBytes());
      return;
    }
    int start = buffer.readerIndex();
    if (passThrough) {
      out.add(buffer.readRetainedSlice(buffer.readableBytes()));
      return;
    }
    in = buffer;
    requestStart = start;
    scanFrom = start; // a header section left open by the last call goes on here
    try {
      while (buffer.isReadable() && !passThrough) {
        stepStart = buffer.readerIndex();
        super.decode(ctx, buffer, decoded);
        boolean progressed = buffer.readerIndex() != stepStart || !decoded.isEmpty();
        boolean ended = false;
        for (Object o : decoded) {
          passThrough |= ((HttpObject) o).decoderResult().isFailure();
          ended |= o instanceof LastHttpContent;
        }
        releaseDecoded();
        if (passThrough) {
          // the copy refused these bytes (too long, malformed), as the codec will: it answers
          inHead = false;
          break;
        }
        if (inHead && scanHead(buffer, buffer.readerIndex())) {
          if (requestStart > start) {
            out.add(buffer.retainedSlice(start, requestStart - start));
          }
          out.add(
              new Rejection(dispatcher.error(ErrorCode.INVALID_REQUEST.exception(MESSAGE)), false));
          refused = true;
          buffer.skipBytes(buffer.readableBytes());
          return;
        }
        if (ended) {
          requestStart = buffer.readerIndex();
        }
        if (!progressed) {
          break;
        }
      }
      if (passThrough) {
        buffer.skipBytes(buffer.readableBytes());
      }
      int end = buffer.readerIndex();
      if (end > start) {
        out.add(buffer.retainedSlice(start, end - start));
      }
    } finally {
      releaseDecoded();
      in = null;
    }
  }

  /** Called by the decoder once the request line is read: the header lines start here. */
  @Override
  protected HttpMessage createMessage(String[] initialLine) throws Exception {
    HttpMessage message = super.createMessage(initialLine);
    inHead = true;
    lineState = LINE_START;
    scanFrom = in.readerIndex();
    requestStart = stepStart;
    return message;
  }

  /**
   * Scans the header bytes the decoder has consumed up to {@code end}; true on a folded line. Ends
   * the header section at its empty line.
   */
  private boolean scanHead(ByteBuf buffer, int end) {
    for (int i = scanFrom; i < end; i++) {
      byte b = buffer.getByte(i);
      switch (lineState) {
        case LINE_START -> {
          if (b == ' ' || b == '\t') {
            return true;
          }
          lineState = b == '\r' ? CR_AT_LINE_START : b == '\n' ? LINE_START : IN_LINE;
          if (b == '\n') {
            inHead = false;
            return false;
          }
        }
        case CR_AT_LINE_START -> {
          if (b == '\n') {
            inHead = false;
            return false;
          }
          lineState = IN_LINE;
        }
        default -> {
          if (b == '\n') {
            lineState = LINE_START;
          }
        }
      }
    }
    scanFrom = end;
    return false;
  }

  /** At the end of input: the bytes not yet decoded go to the codec as they are. */
  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) {
    if (refused || !buffer.isReadable()) {
      buffer.skipBytes(buffer.readableBytes());
      return;
    }
    out.add(buffer.readRetainedSlice(buffer.readableBytes()));
  }

  private void releaseDecoded() {
    for (Object o : decoded) {
      if (o instanceof HttpContent) {
        ReferenceCountUtil.release(o);
      }
    }
    decoded.clear();
  }
}
