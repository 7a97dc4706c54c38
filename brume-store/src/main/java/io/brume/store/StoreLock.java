package io.brume.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * The store-wide lock that keeps gc away from work in progress: writers (ingests, snapshot staging,
 * a whole pull through {@link ContentStore#lease()}) hold it shared, gc holds it exclusive. Within
 * the process a read-write lock; across processes a shared or exclusive {@link FileLock} on {@code
 * store.lock}, taken by the first shared holder and released by the last.
 */
final class StoreLock {
  /** One instance per lock file in this JVM: a second FileLock on it from this JVM would throw. */
  private static final Map<Path, StoreLock> INSTANCES = new ConcurrentHashMap<>();

  private final ReentrantReadWriteLock local = new ReentrantReadWriteLock();
  private final FileChannel channel;
  private int sharedHolders;
  private @Nullable FileLock sharedFileLock;

  private StoreLock(Path file) throws IOException {
    channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  /** The JVM-wide lock for a store's lock file (kept open for the JVM's lifetime). */
  static StoreLock forFile(Path file) throws IOException {
    try {
      return INSTANCES.computeIfAbsent(
          file.toAbsolutePath(),
          path -> {
            try {
              return new StoreLock(path);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Holds the store shared until the returned handle is closed. */
  Lease shared() throws IOException {
    local.readLock().lock();
    try {
      synchronized (this) {
        if (sharedHolders == 0) {
          sharedFileLock = channel.lock(0, Long.MAX_VALUE, true);
        }
        sharedHolders++;
      }
    } catch (IOException | RuntimeException e) {
      local.readLock().unlock();
      throw e;
    }
    return new Lease(
        () -> {
          synchronized (this) {
            if (--sharedHolders == 0) {
              Objects.requireNonNull(sharedFileLock).release();
              sharedFileLock = null;
            }
          }
          local.readLock().unlock();
        });
  }

  /** Holds the store exclusively (no writer anywhere) until the returned handle is closed. */
  Lease exclusive() throws IOException {
    return exclusive(() -> {});
  }

  /**
   * As {@link #exclusive()}, calling {@code beforeWaiting} first if a writer (here or in another
   * process) holds the store, so that a caller can say what it is waiting for.
   */
  Lease exclusive(Runnable beforeWaiting) throws IOException {
    boolean waited = false;
    if (!local.writeLock().tryLock()) {
      beforeWaiting.run();
      waited = true;
      local.writeLock().lock();
    }
    FileLock lock;
    try {
      lock = channel.tryLock(0, Long.MAX_VALUE, false);
      if (lock == null) {
        if (!waited) {
          beforeWaiting.run();
        }
        lock = channel.lock(0, Long.MAX_VALUE, false);
      }
    } catch (IOException | RuntimeException e) {
      local.writeLock().unlock();
      throw e;
    }
    FileLock held = lock;
    return new Lease(
        () -> {
          try {
            held.release();
          } finally {
            local.writeLock().unlock();
          }
        });
  }
}
