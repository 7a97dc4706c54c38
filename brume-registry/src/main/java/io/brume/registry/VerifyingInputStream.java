package io.brume.registry;

import io.brume.oci.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Hashes a stream while it is read and, at end of stream, checks digest and size; a mismatch or
 * excess data throws {@link DigestMismatchException} naming the expected and actual values.
 *
 * <p>Nothing is trusted until end of stream: consumers that act on the bytes before that (e.g.
 * streaming extraction) must be able to roll back. To resume a download, pass a hasher that has
 * already consumed the first {@code alreadyRead} bytes.
 */
public final class VerifyingInputStream extends FilterInputStream {

  private final Digest expected;
  private final long expectedSize;
  private final MessageDigest hasher;
  private long count;
  private boolean verified;

  /** Verifies a whole blob read from its first byte. */
  public VerifyingInputStream(InputStream in, Digest expected, long expectedSize) {
    this(in, expected, expectedSize, expected.newHasher(), 0);
  }

  /**
   * Verifies the rest of a blob whose first {@code alreadyRead} bytes were already fed to {@code
   * hasher} (a hasher of {@code expected}'s algorithm).
   */
  public VerifyingInputStream(
      InputStream in, Digest expected, long expectedSize, MessageDigest hasher, long alreadyRead) {
    super(in);
    this.expected = expected;
    this.expectedSize = expectedSize;
    this.hasher = hasher;
    this.count = alreadyRead;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b < 0) {
      verifyAtEnd();
    } else {
      hasher.update((byte) b);
      advance(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    if (n < 0) {
      verifyAtEnd();
    } else {
      hasher.update(buffer, offset, n);
      advance(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes must be hashed too, so read them.
    byte[] scratch = new byte[8192];
    long skipped = 0;
    while (skipped < n) {
      int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** Bytes seen so far, including any already hashed before this stream. */
  public long count() {
    return count;
  }

  private void advance(int n) throws DigestMismatchException {
    count += n;
    if (expectedSize >= 0 && count > expectedSize) {
      throw new DigestMismatchException(
          expected,
          "blob " + expected + " is larger than its expected size " + expectedSize + " bytes");
    }
  }

  private void verifyAtEnd() throws DigestMismatchException {
    if (verified) {
      return;
    }
    if (expectedSize >= 0 && count != expectedSize) {
      throw new DigestMismatchException(
          expected,
          "blob "
              + expected
              + " ended after "
              + count
              + " bytes, expected "
              + expectedSize
              + " bytes");
    }
    Digest actual = Digest.fromHash(expected.algorithm(), hasher.digest());
    if (!actual.equals(expected)) {
      throw new DigestMismatchException(
          expected, "digest mismatch: expected " + expected + ", got " + actual);
    }
    verified = true;
  }
}
