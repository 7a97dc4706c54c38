package io.brume.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * Reads no faster than a (possibly shared) {@link TokenBucket} allows. Each read takes its
 * allowance before reading and gives back what the underlying stream did not deliver (a socket
 * returns what has arrived, often far less than asked).
 */
public final class RateLimitedInputStream extends FilterInputStream {

  private final TokenBucket bucket;

  /** Wraps {@code in}, drawing allowance from {@code bucket}. */
  public RateLimitedInputStream(InputStream in, TokenBucket bucket) {
    super(in);
    this.bucket = bucket;
  }

  @Override
  public int read() throws IOException {
    acquire(1);
    int b = in.read();
    if (b < 0) {
      bucket.giveBack(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    int allowed = acquire(length);
    int read = in.read(buffer, offset, allowed);
    bucket.giveBack(allowed - Math.max(read, 0));
    return read;
  }

  @Override
  public long skip(long n) throws IOException {
    if (n <= 0) {
      return 0;
    }
    int allowed = acquire((int) Math.min(n, Integer.MAX_VALUE));
    long skipped = in.skip(allowed);
    bucket.giveBack((int) (allowed - Math.max(skipped, 0)));
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private int acquire(int wanted) throws IOException {
    try {
      return bucket.acquire(wanted);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while rate limiting");
    }
  }
}
