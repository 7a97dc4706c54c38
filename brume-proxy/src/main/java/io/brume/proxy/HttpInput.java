package io.brume.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Buffered reader of HTTP/1.1 bytes from one socket: lines with length limits for heads and chunk
 * sizes, raw bytes for bodies. Not thread-safe and deliberately unsynchronised (unlike {@code
 * BufferedInputStream}); one connection is owned by one virtual thread at a time.
 */
final class HttpInput {
  private static final int BUFFER_SIZE = 16 * 1024;

  private final InputStream in;
  private final boolean fromClient;
  private final ReadDeadlines.@Nullable Deadline deadline;
  private byte[] buffer;
  private final boolean inMemory;
  private int position;
  private int limit;

  /**
   * @param deadline the timeout of each read from the socket behind {@code in}, or null for none
   */
  HttpInput(InputStream in, boolean fromClient, ReadDeadlines.@Nullable Deadline deadline) {
    this.in = in;
    this.fromClient = fromClient;
    this.deadline = deadline;
    this.buffer = new byte[BUFFER_SIZE];
    this.inMemory = false;
  }

  /**
   * Reads {@code bytes[offset, limit)} already received, then nothing more: the event loop parses a
   * complete head it buffered with the same parser as the blocking path (end of input inside it is
   * reported as a malformed or truncated message).
   */
  HttpInput(byte[] bytes, int offset, int limit, boolean fromClient) {
    this.in = InputStream.nullInputStream();
    this.fromClient = fromClient;
    this.deadline = null;
    this.buffer = bytes;
    this.inMemory = true;
    this.position = offset;
    this.limit = limit;
  }

  /** Bytes consumed so far from the array given to the in-memory constructor. */
  int position() {
    return position;
  }

  /**
   * Puts {@code bytes[offset, offset + length)} in front of what the socket delivers next: the
   * bytes the event loop already read when it hands a connection over to a thread.
   */
  void prefill(byte[] bytes, int offset, int length) {
    if (position < limit) {
      throw new IllegalStateException("prefill of " + length + " bytes into a used input");
    }
    if (length > buffer.length) {
      buffer = new byte[length]; // a large head the event loop gave up on
    }
    System.arraycopy(bytes, offset, buffer, 0, length);
    position = 0;
    limit = length;
  }

  boolean fromClient() {
    return fromClient;
  }

  /** True when bytes are already buffered, e.g. a pipelined next request. */
  boolean hasBuffered() {
    return position < limit;
  }

  /**
   * Waits until at least one byte is buffered.
   *
   * @return false at end of stream
   */
  boolean awaitByte() throws IOException {
    return position < limit || fill();
  }

  /**
   * Reads one line without its CRLF (a bare LF is accepted, a bare CR is not).
   *
   * @param maxLength longest accepted line in bytes
   * @param tooLongStatus the status reported when the line is longer
   * @return the line, or null at end of stream before any byte of it
   */
  @Nullable String readLine(int maxLength, int tooLongStatus) throws IOException {
    if (position == limit && !fill()) {
      return null;
    }
    // Fast path, taken by nearly every line: the whole line is already buffered, so it becomes
    // one String straight from the buffer (this runs ~10 times per proxied request).
    int newline = indexOfNewline(position, limit);
    if (newline >= 0) {
      int start = position;
      position = newline + 1;
      return finishLine(buffer, start, newline, maxLength, tooLongStatus);
    }
    return readSplitLine(maxLength, tooLongStatus);
  }

  /** The slow path: a line spread over several reads, accumulated up to its length limit. */
  private String readSplitLine(int maxLength, int tooLongStatus) throws IOException {
    byte[] line = new byte[Math.min(maxLength + 2, Math.max(64, 2 * (limit - position)))];
    int length = 0;
    while (true) {
      if (position == limit && !fill()) {
        throw malformed(400, "connection closed in the middle of a line");
      }
      int newline = indexOfNewline(position, limit);
      int end = newline >= 0 ? newline : limit;
      int added = end - position;
      if (length + added > maxLength + 1) {
        throw malformed(tooLongStatus, "line longer than " + maxLength + " bytes");
      }
      if (length + added > line.length) {
        line =
            Arrays.copyOf(line, Math.min(maxLength + 2, Math.max(2 * line.length, length + added)));
      }
      System.arraycopy(buffer, position, line, length, added);
      length += added;
      position = end;
      if (newline >= 0) {
        position = newline + 1;
        return finishLine(line, 0, length, maxLength, tooLongStatus);
      }
    }
  }

  private int indexOfNewline(int from, int to) {
    for (int i = from; i < to; i++) {
      if (buffer[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Validates {@code bytes[start, end)} (a line up to its LF) and returns it without CR. */
  private String finishLine(byte[] bytes, int start, int end, int maxLength, int tooLongStatus)
      throws MalformedHttpException {
    if (end > start && bytes[end - 1] == '\r') {
      end--;
    }
    if (end - start > maxLength) {
      throw malformed(tooLongStatus, "line longer than " + maxLength + " bytes");
    }
    for (int i = start; i < end; i++) {
      if (bytes[i] == '\r' || bytes[i] == 0) {
        throw malformed(400, "bare CR or NUL in a line");
      }
    }
    return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
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
    if (inMemory) {
      return false; // in-memory input: nothing after the given bytes
    }
    int n;
    if (deadline != null) {
      deadline.start();
    }
    try {
      n = in.read(buffer, 0, buffer.length);
    } catch (IOException e) {
      IOException failure = deadline != null && !deadline.finish() ? timedOut() : e;
      throw fromClient ? new ClientGoneException(failure) : failure;
    }
    if (deadline != null && !deadline.finish()) {
      throw fromClient ? new ClientGoneException(timedOut()) : timedOut();
    }
    if (n <= 0) {
      return false;
    }
    position = 0;
    limit = n;
    return true;
  }

  private SocketTimeoutException timedOut() {
    String timeout = deadline == null ? "nothing in time" : deadline.describeTimeout();
    return new SocketTimeoutException((fromClient ? "client" : "upstream") + " sent " + timeout);
  }

  MalformedHttpException malformed(int status, String message) {
    return new MalformedHttpException(status, fromClient, message);
  }

  private IOException truncated(String message) {
    IOException e = new IOException((fromClient ? "client " : "upstream ") + message);
    return fromClient ? new ClientGoneException(e) : e;
  }
}
