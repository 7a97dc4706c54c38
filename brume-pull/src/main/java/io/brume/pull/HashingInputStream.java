package io.brume.pull;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** Hashes and counts every byte read through it. */
final class HashingInputStream extends FilterInputStream {
  private final MessageDigest hasher;
  private long count;

  HashingInputStream(InputStream in, MessageDigest hasher) {
    super(in);
    this.hasher = hasher;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      hasher.update((byte) b);
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      hasher.update(buffer, offset, n);
      count += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes must be hashed too, so skip by reading.
    return readNBytes(Math.toIntExact(Math.min(n, Integer.MAX_VALUE))).length;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  long count() {
    return count;
  }

  byte[] digest() {
    return hasher.digest();
  }
}
