package io.brume.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * fsync and atomic-rename helpers: what is renamed into place must already be on disk. Public for
 * brume-snapshotter, whose snapshot directories follow the same rules.
 */
public final class Durable {
  private Durable() {}

  /** Writes {@code bytes} to {@code target} through a synced temporary file and a rename. */
  static void write(Path target, byte[] bytes) throws IOException {
    Path temporary = target.resolveSibling("." + target.getFileName() + ".tmp");
    try (FileChannel channel =
        FileChannel.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      channel.write(java.nio.ByteBuffer.wrap(bytes));
      channel.force(true);
    }
    rename(temporary, target);
  }

  /** Renames atomically and syncs the directory that now holds the entry. */
  public static void rename(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    syncDirectory(to.getParent());
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
