package dev.flarekv.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A small incremental HTTP/1.x response parser for the load generator: status, {@code
 * Content-Length}, {@code Transfer-Encoding: chunked}, {@code Connection}, and the body either
 * skipped (the usual case, no copy) or collected when the operation reads it. It replaces Netty's
 * {@code HttpClientCodec} + {@code HttpObjectAggregator}, which allocate a header map, several
 * message objects and an aggregated buffer per answer: on a 2-core machine shared with the server
 * that cost was the generator's ceiling.
 *
 * <p>Not thread-safe: one per connection, used on its event loop.
 */
final class ResponseParser {
  /** What to do with a complete answer. */
  interface Listener {
    /**
     * @param status the status code
     * @param body the body if collecting was asked for, else an empty buffer; valid during the call
     * @param keepAlive whether the connection may carry the next request
     * @return false to stop parsing (the connection is being closed)
     */
    boolean onResponse(int status, ByteBuf body, boolean keepAlive);
  }

  /** An answer this parser cannot read. */
  static final class BadResponseException extends RuntimeException {
    BadResponseException(String message) {
      super(message, null, false, false);
    }
  }

  private static final int STATUS_LINE = 0;
  private static final int HEADER_LINE = 1;
  private static final int FIXED_BODY = 2;
  private static final int CHUNK_SIZE = 3;
  private static final int CHUNK_DATA = 4;
  private static final int CHUNK_END = 5;
  private static final int TRAILER_LINE = 6;
  private static final int UNTIL_CLOSE = 7;

  private static final int MAX_LINE = 64 * 1024;

  private final int maxBody;
  private final ByteBuf cumulation = Unpooled.buffer(1024);
  private int state = STATUS_LINE;
  private int status;
  private boolean keepAlive;
  private long contentLength;
  private boolean chunked;
  private long remaining;
  private boolean collect;
  private ByteBuf body;

  ResponseParser(int maxBody) {
    this.maxBody = maxBody;
  }

  /** Whether the body of the next answer is collected (set when sending its request). */
  void collectBody(boolean collect) {
    this.collect = collect;
  }

  /** Parses what arrived; releases {@code in}. */
  void feed(ByteBuf in, Listener listener) {
    try {
      if (cumulation.isReadable()) {
        cumulation.writeBytes(in);
        parse(cumulation, listener);
      } else {
        parse(in, listener);
        if (in.isReadable()) {
          cumulation.writeBytes(in);
        }
      }
      if (!cumulation.isReadable()) {
        cumulation.clear();
      } else {
        cumulation.discardSomeReadBytes();
      }
    } finally {
      in.release();
    }
  }

  /** The connection closed: completes an answer delimited by the close, if one was being read. */
  void closed(Listener listener) {
    if (state == UNTIL_CLOSE) {
      complete(listener, false);
    }
  }

  /** Forgets any partial answer (after a timeout or a reconnect). */
  void reset() {
    cumulation.clear();
    state = STATUS_LINE;
    releaseBody();
  }

  /** Frees the buffers. */
  void release() {
    releaseBody();
    cumulation.release();
  }

  private void parse(ByteBuf buf, Listener listener) {
    while (buf.isReadable()) {
      switch (state) {
        case STATUS_LINE -> {
          int eol = lineEnd(buf);
          if (eol < 0) {
            return;
          }
          statusLine(buf, buf.readerIndex(), eol);
          buf.readerIndex(eol + 1);
          state = HEADER_LINE;
        }
        case HEADER_LINE -> {
          int eol = lineEnd(buf);
          if (eol < 0) {
            return;
          }
          int start = buf.readerIndex();
          int end = trimCr(buf, start, eol);
          buf.readerIndex(eol + 1);
          if (end > start) {
            header(buf, start, end);
          } else if (!headersDone(listener)) {
            return;
          }
        }
        case FIXED_BODY, UNTIL_CLOSE -> {
          int n = (int) Math.min(remaining, buf.readableBytes());
          take(buf, n);
          remaining -= n;
          if (remaining == 0 && state == FIXED_BODY && !complete(listener, keepAlive)) {
            return;
          }
        }
        case CHUNK_SIZE -> {
          int eol = lineEnd(buf);
          if (eol < 0) {
            return;
          }
          long size = chunkSize(buf, buf.readerIndex(), eol);
          buf.readerIndex(eol + 1);
          remaining = size;
          state = size == 0 ? TRAILER_LINE : CHUNK_DATA;
        }
        case CHUNK_DATA -> {
          int n = (int) Math.min(remaining, buf.readableBytes());
          take(buf, n);
          remaining -= n;
          if (remaining == 0) {
            state = CHUNK_END;
          }
        }
        case CHUNK_END -> {
          int eol = lineEnd(buf);
          if (eol < 0) {
            return;
          }
          buf.readerIndex(eol + 1);
          state = CHUNK_SIZE;
        }
        case TRAILER_LINE -> {
          int eol = lineEnd(buf);
          if (eol < 0) {
            return;
          }
          boolean empty = trimCr(buf, buf.readerIndex(), eol) == buf.readerIndex();
          buf.readerIndex(eol + 1);
          if (empty && !complete(listener, keepAlive)) {
            return;
          }
        }
        default -> throw new IllegalStateException("state " + state);
      }
    }
  }

  /** Index of the next '\n', or -1 when the line is not complete yet. */
  private static int lineEnd(ByteBuf buf) {
    int eol = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) '\n');
    if (eol < 0 && buf.readableBytes() > MAX_LINE) {
      throw new BadResponseException("header line longer than " + MAX_LINE + " bytes");
    }
    return eol;
  }

  private static int trimCr(ByteBuf buf, int start, int eol) {
    return eol > start && buf.getByte(eol - 1) == '\r' ? eol - 1 : eol;
  }

  private void statusLine(ByteBuf buf, int start, int eol) {
    // HTTP/1.x SSS reason
    if (eol - start < 12
        || buf.getByte(start) != 'H'
        || buf.getByte(start + 4) != '/'
        || buf.getByte(start + 8) != ' ') {
      throw new BadResponseException("bad status line");
    }
    int code = 0;
    for (int i = start + 9; i < start + 12; i++) {
      int d = buf.getByte(i) - '0';
      if (d < 0 || d > 9) {
        throw new BadResponseException("bad status code");
      }
      code = code * 10 + d;
    }
    status = code;
    keepAlive = buf.getByte(start + 7) != '0'; // HTTP/1.1 keeps alive by default, 1.0 does not
    contentLength = -1;
    chunked = false;
  }

  private void header(ByteBuf buf, int start, int end) {
    int colon = buf.indexOf(start, end, (byte) ':');
    if (colon < 0) {
      throw new BadResponseException("bad header line");
    }
    int nameLen = colon - start;
    int v = colon + 1;
    while (v < end && (buf.getByte(v) == ' ' || buf.getByte(v) == '\t')) {
      v++;
    }
    if (nameLen == 14 && nameIs(buf, start, "content-length")) {
      long n = 0;
      int i = v;
      for (; i < end; i++) {
        int d = buf.getByte(i) - '0';
        if (d < 0 || d > 9) {
          break;
        }
        n = n * 10 + d;
        if (n > Integer.MAX_VALUE) {
          throw new BadResponseException("content-length too large");
        }
      }
      if (i == v) {
        throw new BadResponseException("bad content-length");
      }
      contentLength = n;
    } else if (nameLen == 17 && nameIs(buf, start, "transfer-encoding")) {
      chunked = contains(buf, v, end, "chunked");
    } else if (nameLen == 10 && nameIs(buf, start, "connection")) {
      if (contains(buf, v, end, "close")) {
        keepAlive = false;
      } else if (contains(buf, v, end, "keep-alive")) {
        keepAlive = true;
      }
    }
  }

  /** The empty line after the headers; returns false when parsing must stop. */
  private boolean headersDone(Listener listener) {
    if (status >= 100 && status < 200 && status != 101) {
      state = STATUS_LINE; // an interim answer (100 Continue): the real one follows
      return true;
    }
    if (status == 204 || status == 304 || (!chunked && contentLength == 0)) {
      return complete(listener, keepAlive);
    }
    if (collect) {
      body = Unpooled.buffer((int) Math.min(Math.max(contentLength, 256), 64 * 1024));
    }
    if (chunked) {
      state = CHUNK_SIZE;
    } else if (contentLength > 0) {
      state = FIXED_BODY;
      remaining = contentLength;
    } else {
      state = UNTIL_CLOSE; // no length: the body ends when the server closes
      keepAlive = false;
      remaining = Long.MAX_VALUE;
    }
    return true;
  }

  private void take(ByteBuf buf, int n) {
    if (body != null) {
      if (body.writerIndex() + (long) n > maxBody) {
        throw new BadResponseException("response body larger than " + maxBody + " bytes");
      }
      body.writeBytes(buf, n);
    } else {
      buf.skipBytes(n);
    }
  }

  private boolean complete(Listener listener, boolean alive) {
    state = STATUS_LINE;
    ByteBuf b = body == null ? Unpooled.EMPTY_BUFFER : body;
    body = null;
    try {
      return listener.onResponse(status, b, alive);
    } finally {
      b.release();
    }
  }

  private void releaseBody() {
    if (body != null) {
      body.release();
      body = null;
    }
  }

  private static long chunkSize(ByteBuf buf, int start, int eol) {
    long n = 0;
    int digits = 0;
    for (int i = start; i < eol; i++) {
      int c = buf.getByte(i);
      int d = Character.digit(c, 16);
      if (d < 0) {
        break; // ';' extension or '\r'
      }
      n = n * 16 + d;
      if (++digits > 8) {
        throw new BadResponseException("chunk too large");
      }
    }
    if (digits == 0) {
      throw new BadResponseException("bad chunk size");
    }
    return n;
  }

  /** Case-insensitive match of an ASCII header name. */
  private static boolean nameIs(ByteBuf buf, int start, String lower) {
    for (int i = 0; i < lower.length(); i++) {
      int c = buf.getByte(start + i);
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean contains(ByteBuf buf, int start, int end, String lower) {
    for (int i = start; i + lower.length() <= end; i++) {
      if (nameIs(buf, i, lower)) {
        return true;
      }
    }
    return false;
  }
}
