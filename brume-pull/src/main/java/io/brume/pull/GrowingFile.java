package io.brume.pull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A file that one thread appends to (the download) while others read what is already there (the
 * decompressor). This is how brume overlaps download and extraction without holding a layer in
 * memory: the download never waits for extraction, extraction follows the download through the page
 * cache, and the bytes on disk are exactly the ones a resume continues from.
 *
 * <p>The writer reports progress with {@link #advance}, then {@link #complete} or {@link #fail};
 * readers block while they have caught up with the writer.
 */
final class GrowingFile {
  private final Path path;
  // Opened at once: the download renames the file into the store when it completes, which may
  // happen before the extraction starts reading.
  private final FileChannel channel;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition grown = lock.newCondition();
  private long length;
  private boolean complete;
  private boolean superseded;
  private @Nullable Throwable failure;

  private GrowingFile(Path path, long initialLength) throws IOException {
    this.path = path;
    this.channel = FileChannel.open(path, StandardOpenOption.READ);
    this.length = initialLength;
  }

  /** Follows {@code path}, which holds {@code initialLength} bytes and is about to grow. */
  static GrowingFile follow(Path path, long initialLength) throws IOException {
    return new GrowingFile(path, initialLength);
  }

  /** A file that is already complete, such as a blob committed by an earlier pull. */
  static GrowingFile complete(Path path) throws IOException {
    GrowingFile file = new GrowingFile(path, java.nio.file.Files.size(path));
    file.complete();
    return file;
  }

  Path path() {
    return path;
  }

  /** The writer has made the file {@code newLength} bytes long. */
  void advance(long newLength) {
    lock.lock();
    try {
      length = newLength;
      grown.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The writer is done: readers see the end of the stream once they have read everything. */
  void complete() {
    lock.lock();
    try {
      complete = true;
      grown.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The writer failed: readers get an {@link IOException} with this cause. */
  void fail(Throwable cause) {
    lock.lock();
    try {
      failure = cause;
      grown.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The bytes written so far were proven wrong (a peer's blob failed verification) and were
   * deleted; the download starts over in another file. Readers fail, and whoever extracted from
   * this file must throw that work away.
   */
  void supersede(Throwable cause) {
    lock.lock();
    try {
      superseded = true;
      failure = cause;
      grown.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Whether {@link #supersede} was called: nothing read from this file may be kept. */
  boolean superseded() {
    lock.lock();
    try {
      return superseded;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the writer is done (complete, failed or superseded) and says whether the file was
   * superseded: a reader that failed on the bytes (a decompressor that met garbage) must know
   * whether they were a lying peer's, about to be replaced, before it reports an error.
   */
  boolean awaitSettled() throws InterruptedException {
    lock.lock();
    try {
      while (!complete && failure == null) {
        grown.await();
      }
      return superseded;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until more than {@code position} bytes exist; returns the length, or -1 at the end. */
  private long awaitBeyond(long position) throws IOException {
    lock.lock();
    try {
      while (true) {
        if (failure != null) {
          throw new IOException("download failed: " + failure.getMessage(), failure);
        }
        if (length > position) {
          return length;
        }
        if (complete) {
          return -1;
        }
        grown.await();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the download", e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * A stream over the whole file, from its first byte, following the writer. There is one reader
   * per file; closing it releases the file.
   */
  InputStream openReader() {
    return new InputStream() {
      private long position;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buffer, int offset, int count) throws IOException {
        if (count == 0) {
          return 0;
        }
        long available = awaitBeyond(position);
        if (available < 0) {
          return -1;
        }
        int want = (int) Math.min(count, available - position);
        int n = channel.read(ByteBuffer.wrap(buffer, offset, want), position);
        if (n < 0) {
          throw new IOException(path + " is shorter than the " + available + " bytes written");
        }
        position += n;
        return n;
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    };
  }
}
