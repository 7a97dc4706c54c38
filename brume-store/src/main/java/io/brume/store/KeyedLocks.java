package io.brume.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Mutual exclusion per key (a blob or snapshot digest), both between threads of this process and
 * between processes sharing the store: an in-process set of held keys (file locks are per process,
 * so they cannot separate two threads) plus an exclusive {@link FileLock} on {@code
 * locks/<key>.lock}. The kernel releases a file lock when its process dies, so a killed pull never
 * leaves a key locked. Not reentrant.
 */
public final class KeyedLocks {
  /**
   * Keys held in this JVM, by lock file path: shared by every store instance on the same directory,
   * since a second {@link FileLock} on the same file from the same JVM would throw.
   */
  private static final Set<Path> HELD = new HashSet<>();

  private final Path directory;

  /** The locks of the store at {@code storeRoot}, in its {@code locks/} directory. */
  public static KeyedLocks ofStore(Path storeRoot) throws IOException {
    return new KeyedLocks(storeRoot.resolve("locks"));
  }

  /** Locks kept as {@code <directory>/<key>.lock} (the directory is created if missing). */
  KeyedLocks(Path directory) throws IOException {
    this.directory = Files.createDirectories(directory);
  }

  /** Blocks until the key is free in this process and in every other process. */
  public Held acquire(String key) throws IOException {
    Path file = file(key);
    synchronized (HELD) {
      while (HELD.contains(file)) {
        try {
          HELD.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while waiting for the store lock on " + key, e);
        }
      }
      HELD.add(file);
    }
    try {
      FileChannel channel = open(key);
      try {
        return new Held(key, channel, channel.lock());
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      release(key);
      throw e;
    }
  }

  /** Takes the key if nobody holds it, else returns null at once. */
  @Nullable Held tryAcquire(String key) throws IOException {
    synchronized (HELD) {
      if (!HELD.add(file(key))) {
        return null;
      }
    }
    FileChannel channel = null;
    try {
      channel = open(key);
      FileLock lock = channel.tryLock();
      if (lock != null) {
        return new Held(key, channel, lock);
      }
      channel.close();
      release(key);
      return null;
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      release(key);
      throw e;
    }
  }

  private Path file(String key) {
    return directory.resolve(key + ".lock").toAbsolutePath();
  }

  private FileChannel open(String key) throws IOException {
    return FileChannel.open(file(key), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  private void release(String key) {
    synchronized (HELD) {
      HELD.remove(file(key));
      HELD.notifyAll();
    }
  }

  /** A held key; closing releases it. */
  public final class Held implements AutoCloseable {
    private final String key;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean released;

    private Held(String key, FileChannel channel, FileLock lock) {
      this.key = key;
      this.channel = channel;
      this.lock = lock;
    }

    @Override
    public void close() {
      if (released) {
        return;
      }
      released = true;
      try {
        lock.release();
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException("releasing the store lock on " + key, e);
      } finally {
        release(key);
      }
    }
  }
}
