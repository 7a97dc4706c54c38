package io.brume.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Buffered reader of HTTP/1.1 bytes from one socket: lines with length limits for heads and chunk
 * sizes, raw bytes for bodies. Not thread-safe and deliberately unsynchronised (unlike {@code
 * BufferedInputStream}); one connection is owned by one virtual thread at a time.
 */
final class HttpInput {
  private static final int BUFFER_SIZE = 16 * 1024;

  private final InputStream in;
  private final boolean fromClient;
  private final byte[] buffer = new byte[BUFFER_SIZE];
  private int position;
  private int limit;

  HttpInput(InputStream in, boolean fromClient) {
    this.in = in;
    this.fromClient = fromClient;
  }

  boolean fromClient() {
    return fromClient;
  }

  /** True when bytes are already buffered, e.g. a pipelined next request. */
  boolean hasBuffered() {
    return position < limit;
  }

  /**
   * Reads one line without its CRLF (a bare LF is accepted, a bare CR is not).
   *
   * @param maxLength longest accepted line in bytes
   * @param tooLongStatus the status reported when the line is longer
   * @return the line, or null at end of stream before any byte of it
   */
  String readLine(int maxLength, int tooLongStatus) throws IOException {
    StringBuilder line = null;
    while (true) {
      if (position == limit && !fill()) {
        if (line == null) {
          return null;
        }
        throw malformed(400, "connection closed in the middle of a line");
      }
      int start = position;
      int newline = -1;
      for (int i = position; i < limit; i++) {
        if (buffer[i] == '\n') {
          newline = i;
          break;
        }
      }
      int end = newline >= 0 ? newline : limit;
      int length = (line == null ? 0 : line.length()) + (end - start);
      if (length > maxLength + 1) {
        throw malformed(tooLongStatus, "line longer than " + maxLength + " bytes");
      }
      if (line == null) {
        line = new StringBuilder(Math.max(16, end - start));
      }
      line.append(new String(buffer, start, end - start, StandardCharsets.ISO_8859_1));
      if (newline >= 0) {
        position = newline + 1;
        int last = line.length() - 1;
        if (last >= 0 && line.charAt(last) == '\r') {
          line.setLength(last);
        }
        if (line.length() > maxLength) {
          throw malformed(tooLongStatus, "line longer than " + maxLength + " bytes");
        }
        if (line.indexOf("\r") >= 0 || line.indexOf("\0") >= 0) {
          throw malformed(400, "bare CR or NUL in a line");
        }
        return line.toString();
      }
      position = limit;
    }
  }

  /** Copies exactly {@code count} bytes to {@code out}. */
  void copyExactly(long count, OutputStream out) throws IOException {
    long remaining = count;
    while (remaining > 0) {
      if (position == limit && !fill()) {
        throw truncated("body ended " + remaining + " bytes early");
      }
      int n = (int) Math.min(remaining, limit - position);
      out.write(buffer, position, n);
      position += n;
      remaining -= n;
    }
  }

  /** Reads exactly {@code count} bytes. */
  byte[] readExactly(int count) throws IOException {
    byte[] bytes = new byte[count];
    int done = 0;
    while (done < count) {
      if (position == limit && !fill()) {
        throw truncated("body ended " + (count - done) + " bytes early");
      }
      int n = Math.min(count - done, limit - position);
      System.arraycopy(buffer, position, bytes, done, n);
      position += n;
      done += n;
    }
    return bytes;
  }

  /** Copies until the peer closes; for close-delimited response bodies. */
  void copyToEnd(OutputStream out) throws IOException {
    while (position < limit || fill()) {
      out.write(buffer, position, limit - position);
      position = limit;
    }
  }

  private boolean fill() throws IOException {
    int n;
    try {
      n = in.read(buffer, 0, buffer.length);
    } catch (IOException e) {
      throw fromClient ? new ClientGoneException(e) : e;
    }
    if (n <= 0) {
      return false;
    }
    position = 0;
    limit = n;
    return true;
  }

  MalformedHttpException malformed(int status, String message) {
    return new MalformedHttpException(status, fromClient, message);
  }

  private IOException truncated(String message) {
    IOException e = new IOException((fromClient ? "client " : "upstream ") + message);
    return fromClient ? new ClientGoneException(e) : e;
  }
}
