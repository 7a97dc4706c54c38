package io.brume.store;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * fsync and atomic-rename helpers: what is renamed into place must already be on disk. Public for
 * brume-snapshotter, whose snapshot directories follow the same rules.
 */
public final class Durable {
  private Durable() {}

  /** What every temporary file written by {@link #write} ends with. */
  static final String TEMPORARY_SUFFIX = ".tmp";

  /**
   * Writes {@code bytes} to {@code target} through a synced temporary file and a rename. The
   * temporary name is unique ({@code .<name>.<random>.tmp}), so writers of the same target in
   * several threads or processes never share one: the last rename wins and each sees success.
   */
  static void write(Path target, byte[] bytes) throws IOException {
    Path temporary =
        Files.createTempFile(
            target.getParent(), "." + target.getFileName() + ".", TEMPORARY_SUFFIX);
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        channel.write(java.nio.ByteBuffer.wrap(bytes));
        channel.force(true);
      }
      rename(temporary, target);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /**
   * Deletes the temporaries of {@link #write} in {@code directory} last modified before {@code
   * cutoff}: those of a killed writer. Younger ones may belong to a writer still running.
   */
  static List<Path> deleteTemporaries(Path directory, FileTime cutoff) throws IOException {
    List<Path> removed = new ArrayList<>();
    try (var files = Files.list(directory)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (name.startsWith(".") && name.endsWith(TEMPORARY_SUFFIX)) {
          try {
            if (Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).compareTo(cutoff) < 0
                && Files.deleteIfExists(file)) {
              removed.add(file);
            }
          } catch (NoSuchFileException e) {
            // Renamed into place or removed by another cleaner meanwhile.
          }
        }
      }
    }
    return removed;
  }

  /** Renames atomically and syncs the directory that now holds the entry. */
  public static void rename(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    syncDirectory(
        Objects.requireNonNull(to.toAbsolutePath().getParent(), "an entry lies in a directory"));
  }

  /** Syncs a directory's entries (best effort: some file systems refuse directory fsync). */
  public static void syncDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Durability of the rename is then up to the file system's own ordering.
    }
  }

  /**
   * Links the native calls of {@link #syncTree} ahead of its first use, for a caller with time to
   * spare (a pull waiting for the registry) instead of when a snapshot commits. Idempotent.
   */
  public static void prepare() {
    try {
      MethodHandles.lookup().ensureInitialized(FileSystemSync.class);
    } catch (IllegalAccessException e) {
      throw new AssertionError("the store's own classes are accessible to it", e);
    }
  }

  /**
   * Makes every regular file and directory below {@code root} durable, so a marker can vouch for
   * them: one {@code syncfs} of the file system where available, else an fsync per entry.
   */
  public static void syncTree(Path root) throws IOException {
    if (FileSystemSync.syncFileSystemOf(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            if (attributes.isRegularFile()) {
              try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                channel.force(true);
              }
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException failure)
              throws IOException {
            if (failure != null) {
              throw failure;
            }
            syncDirectory(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** Deletes a tree without following symlinks; missing is fine. */
  public static long deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    long[] freed = {0};
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes)
              throws IOException {
            // A layer diff may hold read-only directories; as non-root we must open them first.
            dir.toFile().setWritable(true, true);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            if (attributes.isRegularFile()) {
              freed[0] += attributes.size();
            }
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException failure)
              throws IOException {
            if (failure != null) {
              throw failure;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
    return freed[0];
  }
}
