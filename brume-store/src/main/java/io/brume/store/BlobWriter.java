package io.brume.store;

import io.brume.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Writes one blob into its ingest file {@code ingest/<alg>-<hex>}, hashing as it goes; {@link
 * #commit()} verifies size and digest and only then renames the file to {@code blobs/<alg>/<hex>}.
 *
 * <p>Closing without committing keeps the partial bytes: the next {@link BlobStore#ingest} for the
 * same digest (in this or a later process) re-hashes them and continues at {@link #offset()}, which
 * is where an HTTP {@code Range} request should start. Content that turns out wrong (too long,
 * wrong digest) is deleted, never resumed. While open, the writer holds the blob's key lock and a
 * store lease.
 */
public final class BlobWriter extends OutputStream {
  private final Digest expected;
  private final long expectedSize;
  private final Path ingestFile;
  private final Path blobFile;
  private final KeyedLocks.Held keyLock;
  private final Lease lease;
  private final FileChannel channel;
  private final MessageDigest hasher;
  private long offset;
  private boolean finished;

  BlobWriter(
      Digest expected,
      long expectedSize,
      Path ingestFile,
      Path blobFile,
      KeyedLocks.Held keyLock,
      Lease lease)
      throws IOException {
    this.expected = expected;
    this.expectedSize = expectedSize;
    this.ingestFile = ingestFile;
    this.blobFile = blobFile;
    this.keyLock = keyLock;
    this.lease = lease;
    this.hasher = expected.newHasher();
    this.channel =
        FileChannel.open(
            ingestFile,
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    if (channel.size() > expectedSize) {
      // Longer than the blob can be: never valid, start again.
      channel.truncate(0);
    }
    rehashExisting();
  }

  private void rehashExisting() throws IOException {
    channel.position(0);
    InputStream existing = Channels.newInputStream(channel);
    byte[] buffer = new byte[256 * 1024];
    long left = channel.size();
    while (left > 0) {
      int read = existing.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (read < 0) {
        break;
      }
      hasher.update(buffer, 0, read);
      offset += read;
      left -= read;
    }
    channel.position(offset);
  }

  /** The digest this blob must have. */
  public Digest digest() {
    return expected;
  }

  /**
   * The ingest file being written. Readers may follow it while it grows (the pull pipeline extracts
   * a layer as it downloads); its content is unverified until {@link #commit()}.
   */
  public Path path() {
    return ingestFile;
  }

  /** Bytes already in the ingest file: resume the download from here. */
  public long offset() {
    return offset;
  }

  /**
   * The {@link #offset()} bytes already present, for a pipeline that extracts while downloading and
   * must replay them into its decompressor before continuing with the {@code Range} response.
   */
  public InputStream existingContent() throws IOException {
    InputStream file = Files.newInputStream(ingestFile);
    return new java.io.FilterInputStream(file) {
      private long left = offset;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] bytes, int start, int length) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int read = super.read(bytes, start, (int) Math.min(length, left));
        if (read > 0) {
          left -= read;
        }
        return read;
      }
    };
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int start, int length) throws IOException {
    if (finished) {
      throw new IOException("blob writer for " + expected + " is already closed");
    }
    if (offset + length > expectedSize) {
      discard();
      throw new BlobVerificationException(
          expected, "more than the " + expectedSize + " bytes its descriptor declares");
    }
    hasher.update(bytes, start, length);
    ByteBuffer buffer = ByteBuffer.wrap(bytes, start, length);
    try {
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    } catch (IOException e) {
      if (String.valueOf(e.getMessage()).contains("No space left")) {
        throw new InsufficientSpaceException(
            "blob " + expected,
            expectedSize - offset,
            Files.getFileStore(ingestFile).getUsableSpace(),
            e);
      }
      throw e;
    }
    offset += length;
  }

  /**
   * Verifies size and digest, makes the content durable and moves it into {@code blobs/}.
   *
   * @return the committed blob's path
   * @throws BlobVerificationException if the size is short (the partial bytes are kept for resume)
   *     or the digest differs (the bytes are deleted)
   */
  public Path commit() throws IOException {
    if (finished) {
      throw new IOException("blob writer for " + expected + " is already closed");
    }
    if (offset != expectedSize) {
      close();
      throw new BlobVerificationException(
          expected, "got " + offset + " of " + expectedSize + " bytes (kept for resume)");
    }
    Digest actual = Digest.fromHash(expected.algorithm(), hasher.digest());
    if (!actual.equals(expected)) {
      discard();
      throw new BlobVerificationException(expected, "content has digest " + actual);
    }
    try {
      channel.force(true);
      channel.close();
      Files.createDirectories(blobFile.getParent());
      if (Files.exists(blobFile)) {
        Files.delete(ingestFile);
      } else {
        Durable.rename(ingestFile, blobFile);
      }
    } finally {
      release();
    }
    return blobFile;
  }

  /** Deletes the partial content and releases the blob. */
  public void discard() throws IOException {
    close();
    Files.deleteIfExists(ingestFile);
  }

  /** Releases the blob, keeping partial content for a later resume. */
  @Override
  public void close() throws IOException {
    if (finished) {
      return;
    }
    try {
      channel.close();
    } finally {
      release();
    }
  }

  private void release() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    try {
      keyLock.close();
    } finally {
      lease.close();
    }
  }
}
