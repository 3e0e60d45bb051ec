package dev.flarekv.server.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Bytes on a socket, for requests no well-behaved HTTP client would send (malformed escapes, broken
 * request lines, endless chunked bodies, pipelining).
 */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public RawHttp(int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(15_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /**
   * One response: status, lower-cased header block, body, and the status line exactly as sent
   * (bytes decoded as UTF-8).
   */
  public record Response(int status, String headers, byte[] body, String statusLine) {
    /** The reason phrase of the status line. */
    public String reason() {
      return statusLine.length() > 13 ? statusLine.substring(13) : "";
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  public RawHttp write(String s) throws IOException {
    return write(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  public RawHttp write(byte[] b) throws IOException {
    out.write(b);
    out.flush();
    return this;
  }

  /** Reads one response with a Content-Length body; null if the server closed first. */
  public Response read() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int last4 = 0;
    while (last4 != 0x0d0a0d0a) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      head.write(c);
      last4 = (last4 << 8) | c;
    }
    String headers = head.toString(StandardCharsets.UTF_8);
    int status = Integer.parseInt(headers.substring(9, 12));
    String lower = headers.toLowerCase(Locale.ROOT);
    int idx = lower.indexOf("content-length:");
    int length = 0;
    if (idx >= 0) {
      int end = lower.indexOf('\r', idx);
      length = Integer.parseInt(lower.substring(idx + 15, end).trim());
    }
    byte[] body = in.readNBytes(length);
    byte[] raw = head.toByteArray();
    String firstLine = new String(raw, StandardCharsets.UTF_8);
    firstLine = firstLine.substring(0, firstLine.indexOf("\r\n"));
    return new Response(status, lower, body, firstLine);
  }

  /** Reads every response until the server closes or {@code max} are read. */
  public List<Response> readAll(int max) throws IOException {
    List<Response> all = new ArrayList<>();
    for (int i = 0; i < max; i++) {
      Response r = read();
      if (r == null) {
        break;
      }
      all.add(r);
    }
    return all;
  }

  /** Whether the server has closed the connection (reads EOF within the timeout). */
  public boolean closedByServer(int timeoutMillis) throws IOException {
    socket.setSoTimeout(timeoutMillis);
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
