package io.brume.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/** Reads no faster than a (possibly shared) {@link TokenBucket} allows. */
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
    return in.read();
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    int allowed = acquire(length);
    return in.read(buffer, offset, allowed);
  }

  @Override
  public long skip(long n) throws IOException {
    int allowed = acquire((int) Math.min(n, Integer.MAX_VALUE));
    return in.skip(allowed);
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
