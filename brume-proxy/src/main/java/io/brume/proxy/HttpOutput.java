package io.brume.proxy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Unsynchronised buffered writer to one socket, so a small response (head and body) leaves in one
 * system call. Failures writing to the client surface as {@link ClientGoneException}.
 */
final class HttpOutput extends OutputStream {
  private static final int BUFFER_SIZE = 16 * 1024;

  private final OutputStream out;
  private final boolean toClient;
  private final byte[] buffer = new byte[BUFFER_SIZE];
  private int count;

  HttpOutput(OutputStream out, boolean toClient) {
    this.out = out;
    this.toClient = toClient;
  }

  /**
   * Writes ISO-8859-1 text (heads are built straight into the buffer: no intermediate String or
   * byte[] per request).
   */
  void writeAscii(String text) throws IOException {
    int length = text.length();
    if (length > buffer.length - count) {
      write(text.getBytes(StandardCharsets.ISO_8859_1));
      return;
    }
    for (int i = 0; i < length; i++) {
      buffer[count + i] = (byte) text.charAt(i);
    }
    count += length;
  }

  /** Writes a non-negative number in decimal, e.g. a status code. */
  void writeDecimal(int value) throws IOException {
    if (value >= 10) {
      writeDecimal(value / 10);
    }
    write('0' + value % 10);
  }

  @Override
  public void write(int b) throws IOException {
    if (count == buffer.length) {
      flushBuffer();
    }
    buffer[count++] = (byte) b;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    if (length > buffer.length - count) {
      flushBuffer();
      if (length >= buffer.length) {
        writeThrough(bytes, offset, length);
        return;
      }
    }
    System.arraycopy(bytes, offset, buffer, count, length);
    count += length;
  }

  @Override
  public void flush() throws IOException {
    flushBuffer();
  }

  private void flushBuffer() throws IOException {
    if (count > 0) {
      writeThrough(buffer, 0, count);
      count = 0;
    }
  }

  private void writeThrough(byte[] bytes, int offset, int length) throws IOException {
    try {
      out.write(bytes, offset, length);
    } catch (IOException e) {
      throw toClient ? new ClientGoneException(e) : e;
    }
  }
}
